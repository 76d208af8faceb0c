package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.transport.http.model.RemoteEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.transport.http.internal.Json;
import dev.fleet.transport.http.internal.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/events over real sockets: the stream carries the fleet's events in order; a cut connection resumes
 * with Last-Event-ID with nothing missed or repeated (raw, and through the client across a cutting proxy); an id
 * too old or from before a restart gets a gap; a client that never reads is dropped while the fleet goes on; at
 * most so many streams; pings, and no idle timeout on a quiet stream.
 */
class EventStreamTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<Thread> followers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Thread f : followers) {
      f.interrupt();
      f.join(10_000);
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private TestCoordinator coordinator(Consumer<HttpCoordinatorBuilder> settings) {
    TestCoordinator t = new TestCoordinator(settings, f -> { });
    open.add(t);
    return t;
  }

  private static String key(FleetEvent e) {
    if (e instanceof FleetEvent.TaskChanged c) {
      return "task " + c.task() + " " + word(c.from()) + ">" + word(c.to());
    }
    FleetEvent.HealthChanged h = (FleetEvent.HealthChanged) e;
    return "health " + h.machine() + " " + word(h.from()) + ">" + word(h.to());
  }

  private static String key(RemoteEvent e) {
    if (e instanceof RemoteEvent.TaskChanged c) {
      return "task " + c.task() + " " + word(c.from()) + ">" + word(c.to());
    }
    if (e instanceof RemoteEvent.HealthChanged h) {
      return "health " + h.machine() + " " + word(h.from()) + ">" + word(h.to());
    }
    return e.getClass().getSimpleName();
  }

  private static String key(SseSocket.Block b) {
    Wire.EventDto d = Json.readLenient(b.data().getBytes(StandardCharsets.UTF_8), Wire.EventDto.class);
    return d.type() + " " + (d.type().equals("task") ? d.task() : d.machine()) + " " + d.from() + ">" + d.to();
  }

  private static String word(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static List<String> keys(TestCoordinator t) {
    return t.events.stream().map(EventStreamTest::key).toList();
  }

  private static List<String> fleetEventKeys(List<RemoteEvent> got) {
    return got.stream().filter(e -> e instanceof RemoteEvent.TaskChanged || e instanceof RemoteEvent.HealthChanged)
        .map(EventStreamTest::key).toList();
  }

  /** Follows t's stream through {@code client} on a thread of its own, from the first event, into {@code got}. */
  private void follow(HttpFleetClient client, List<RemoteEvent> got) {
    Thread f = new Thread(() -> {
      try {
        client.events(OptionalLong.empty(), 10_000, e -> {
          got.add(e);
          return true;
        });
      } catch (InterruptedException e) {
        // stopped by the test
      }
    }, "follower");
    f.setDaemon(true);
    f.start();
    followers.add(f);
  }

  /** Queued tasks and their cancellations: two events each. */
  private static void queueAndCancel(TestCoordinator t, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      t.fleet.dispatcher().submit(Task.newBuilder(prefix + i).requires("gpu").build());
    }
    for (int i = 0; i < n; i += 2) {
      t.fleet.dispatcher().cancel(TaskId.of(prefix + i));
    }
  }

  private int marks;

  /** Submits a marker task and waits until the fleet's own listener has its event: t.events is complete then. */
  private void settle(TestCoordinator t) {
    String mark = "mark" + marks++;
    t.fleet.dispatcher().submit(Task.newBuilder(mark).requires("gpu").build());
    Await.until(Duration.ofSeconds(30), () -> keys(t).contains("task " + mark + " queued>queued"),
        () -> "the fleet's listener had " + mark + "; it has " + t.events.size() + " events, the last "
            + t.events.get(t.events.size() - 1) + "; " + t.fleet.dispatcher().status(TaskId.of(mark)));
  }

  /** Settles the fleet's events and waits until every one of them reached {@code got}. */
  private void awaitAll(TestCoordinator t, List<RemoteEvent> got) {
    settle(t);
    Await.until(Duration.ofSeconds(30), () -> fleetEventKeys(got).size() >= t.events.size(),
        () -> fleetEventKeys(got).size() + " of " + t.events.size() + " events arrived; the last: "
            + got.subList(Math.max(0, got.size() - 1), got.size()) + "; not events: "
            + got.stream().filter(e -> !(e instanceof RemoteEvent.TaskChanged)
                && !(e instanceof RemoteEvent.HealthChanged)).limit(5).toList());
  }

  @Test
  void eventsArriveInTheOrderTheyHappened() {
    TestCoordinator t = coordinator(b -> { });
    HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);
    List<RemoteEvent> got = new CopyOnWriteArrayList<>();
    follow(client, got);
    t.fleet.registry().register(Machine.of("m1", "m1.local", "worker", List.of("code")));
    t.fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("m1"), 1, 0.1));
    queueAndCancel(t, "t", 150);
    t.fleet.registry().drain(MachineId.of("m1"));
    awaitAll(t, got);
    assertEquals(keys(t), fleetEventKeys(got), "every event, in order, once");
    long previous = 0;
    for (RemoteEvent e : got) {
      long id = e instanceof RemoteEvent.TaskChanged c ? c.id() : ((RemoteEvent.HealthChanged) e).id();
      assertTrue(id > previous, "ids grow: " + id + " after " + previous);
      previous = id;
    }
    assertTrue(got.stream().anyMatch(e -> e instanceof RemoteEvent.HealthChanged h && h.reason().contains("drain")),
        got.toString());
  }

  @Test
  void aCutStreamResumesWithLastEventIdWithNothingMissedOrRepeated() {
    TestCoordinator t = coordinator(b -> { });
    queueAndCancel(t, "a", 40);
    SseSocket first = SseSocket.open(t.coordinator.uri(), t.adminToken, "backlog=all", null);
    open.add(first);
    List<SseSocket.Block> before = first.events(45);
    first.close(); // mid-stream: 15 held events not read
    queueAndCancel(t, "b", 30);
    settle(t);
    String last = before.get(before.size() - 1).id();

    SseSocket again = SseSocket.open(t.coordinator.uri(), t.adminToken, null, last);
    open.add(again);
    SseSocket.Block hello = again.opening();
    assertEquals(last, hello.id(), "the stream says where it starts");
    List<SseSocket.Block> after = again.events(t.events.size() - before.size());
    List<String> seen = new ArrayList<>();
    long id = Long.parseLong(before.get(0).id()) - 1;
    for (SseSocket.Block b : concat(before, after)) {
      assertEquals(++id, Long.parseLong(b.id()), "consecutive ids: nothing missed, nothing twice");
      seen.add(key(b));
    }
    assertEquals(keys(t), seen);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  @Test
  void theClientFollowsAcrossCutConnectionsWithNothingMissedOrRepeated() {
    TestCoordinator t = coordinator(b -> { });
    CuttableProxy proxy = new CuttableProxy(t.coordinator.uri());
    open.add(proxy);
    HttpFleetClient client = HttpFleetClient.connect(proxy.uri(), t.adminToken);
    List<RemoteEvent> got = new CopyOnWriteArrayList<>();
    follow(client, got);
    for (int round = 0; round < 3; round++) {
      queueAndCancel(t, "r" + round + "-", 60);
      awaitAll(t, got);
      proxy.cut();
      queueAndCancel(t, "c" + round + "-", 20); // while the client is cut off
    }
    awaitAll(t, got);
    assertEquals(keys(t), fleetEventKeys(got), "every event once, in order, across three cuts");
    assertTrue(got.stream().filter(e -> e instanceof RemoteEvent.Reconnecting).count() >= 3, got.toString());
    assertFalse(got.stream().anyMatch(e -> e instanceof RemoteEvent.Gap), "nothing was lost, so no gap");
    assertTrue(proxy.accepted.get() >= 4, "it reconnected: " + proxy.accepted.get());
  }

  @Test
  void anIdOlderThanTheHistoryOrFromAnotherRunGetsAGap() throws Exception {
    TestCoordinator t = coordinator(b -> b.eventStreams(8, 10, 10));
    queueAndCancel(t, "t", 19); // 29 events and a mark; the last 10 are held
    settle(t);
    HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);
    List<RemoteEvent> held = client.recentEvents(1000);
    assertEquals(keys(t).subList(20, 30), fleetEventKeys(held), "what is held, and then the stream ends");
    long base = ((RemoteEvent.TaskChanged) held.get(0)).id() - 21;

    SseSocket old = SseSocket.open(t.coordinator.uri(), t.adminToken, "follow=false", Long.toString(base + 3));
    open.add(old);
    old.opening();
    SseSocket.Block gap = old.next();
    assertEquals("gap", gap.event());
    assertEquals(Long.toString(base + 20), gap.id(), "it resumes after the newest event no longer held");
    Wire.GapDto g = Json.readLenient(gap.data().getBytes(StandardCharsets.UTF_8), Wire.GapDto.class);
    assertEquals(17L, g.missed());
    assertTrue(g.reason().contains("17 events after " + (base + 3) + " are no longer held"), g.reason());
    assertEquals(keys(t).subList(20, 30), old.events(10).stream().map(EventStreamTest::key).toList());
    assertEquals(null, old.next(), "a stream that does not follow ends");

    // The client hands the gap over, then what is held.
    List<RemoteEvent> resumed = new ArrayList<>();
    CompletableFuture<OptionalLong> done = CompletableFuture.supplyAsync(() -> {
      try {
        return client.events(OptionalLong.of(base + 3), e -> resumed.add(e) && resumed.size() < 11);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(OptionalLong.of(base + 30), done.get(), "it returns where it got to");
    RemoteEvent.Gap first = (RemoteEvent.Gap) resumed.get(0);
    assertEquals(base + 3, first.lastEventId());
    assertEquals(OptionalLong.of(17), first.missed());
    assertEquals(keys(t).subList(20, 30), fleetEventKeys(resumed));

    SseSocket other = SseSocket.open(t.coordinator.uri(), t.adminToken, "follow=false", "5000000017");
    open.add(other);
    other.opening();
    SseSocket.Block restart = other.next();
    assertEquals("gap", restart.event());
    assertTrue(restart.data().contains("it has restarted since"), restart.data());

    SseSocket bad = SseSocket.open(t.coordinator.uri(), t.adminToken, null, "abc");
    assertEquals(400, bad.status);
    assertTrue(bad.headers.get("content-type").startsWith("application/problem+json"), bad.headers.toString());
    assertTrue(bad.body.contains("Last-Event-ID must be the id of an event this coordinator sent"), bad.body);
    bad.close();
    FleetHttpException unknown = assertThrows(FleetHttpException.class,
        () -> client.events(OptionalLong.of(-1 + 0 * base), e -> false));
    assertEquals(400, unknown.status());
  }

  @Test
  void aRestartedCoordinatorIsFollowedWithAGapAndHigherIds() {
    TestCoordinator t = coordinator(b -> { });
    HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);
    List<RemoteEvent> got = new CopyOnWriteArrayList<>();
    follow(client, got);
    queueAndCancel(t, "before", 10);
    awaitAll(t, got);
    long lastBefore = ((RemoteEvent.TaskChanged) got.get(got.size() - 1)).id();
    t.coordinator.close();
    queueAndCancel(t, "unseen", 2); // while no coordinator listens: these are lost, and the gap says so
    settle(t);
    t.coordinator.start(t.fleet);
    int seenBefore = t.events.size();
    Await.until(Duration.ofSeconds(30), () -> got.stream().anyMatch(e -> e instanceof RemoteEvent.Gap),
        () -> "a gap after the restart: " + got);
    queueAndCancel(t, "after", 5);
    settle(t);
    Await.until(Duration.ofSeconds(30), () -> fleetEventKeys(got).size() >= 16 + 9,
        () -> "the events after the restart: " + got);
    RemoteEvent.Gap gap = (RemoteEvent.Gap) got.stream().filter(e -> e instanceof RemoteEvent.Gap).findFirst()
        .orElseThrow();
    assertEquals(lastBefore, gap.lastEventId());
    assertTrue(gap.reason().contains("restarted"), gap.reason());
    assertTrue(got.stream().anyMatch(e -> e instanceof RemoteEvent.Reconnecting), got.toString());
    List<RemoteEvent> afterGap = got.subList(got.indexOf(gap) + 1, got.size());
    assertEquals(keys(t).subList(seenBefore, t.events.size()), fleetEventKeys(afterGap));
    for (RemoteEvent e : afterGap) {
      if (e instanceof RemoteEvent.TaskChanged c) {
        assertTrue(c.id() > lastBefore, "ids grow across the restart: " + c.id() + " after " + lastBefore);
      }
    }
  }

  @Test
  void aClientThatNeverReadsIsDroppedWhileTheFleetKeepsDispatching() throws Exception {
    TestCoordinator t = coordinator(b -> b.eventStreams(8, 100_000, 2_000));
    HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);
    List<RemoteEvent> got = new CopyOnWriteArrayList<>();
    follow(client, got);
    SseSocket stuck = SseSocket.open(t.coordinator.uri(), t.adminToken, null, null, 1024); // never read
    open.add(stuck);
    t.fleet.registry().register(Machine.of("m1", "m1.local", "worker", List.of("code")));
    long slowest = 0;
    int tasks = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (t.coordinator.eventStreamsDropped() == 0 && System.nanoTime() < deadline) {
      t.fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("m1"), tasks + 1, 0.0));
      for (int i = 0; i < 200; i++, tasks++) {
        long start = System.nanoTime();
        Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(Task.newBuilder("t" + tasks)
            .requires("code").build());
        t.fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.success());
        slowest = Math.max(slowest, System.nanoTime() - start);
      }
      // The reading client keeps up (a registration, then two events a task), so only the stuck one falls behind.
      int expected = 1 + 2 * tasks;
      Await.until(Duration.ofSeconds(30), () -> fleetEventKeys(got).size() >= expected, () -> "the reader got "
          + fleetEventKeys(got).size() + " of " + expected + " events");
    }
    assertTrue(t.coordinator.eventStreamsDropped() >= 1, "the stuck stream was dropped after " + tasks + " tasks");
    assertTrue(slowest < Duration.ofSeconds(1).toNanos(), "no submit or completion waited for a stream: the "
        + "slowest took " + slowest / 1_000_000 + " ms");
    Decision more = t.fleet.dispatcher().submit(Task.newBuilder("after-the-drop").requires("code").build());
    assertTrue(more instanceof Decision.Dispatched, more.toString());

    // The stuck client's connection was closed: reading it now drains what was sent, then ends.
    stuck.socket.setSoTimeout(20_000);
    InputStream in = stuck.socket.getInputStream();
    byte[] buf = new byte[1 << 16];
    try {
      while (in.read(buf) >= 0) {
        // drain
      }
    } catch (SocketException e) {
      // reset: closed as well
    } catch (IOException e) {
      throw new AssertionError("the stuck stream was not closed: " + e, e);
    }
    awaitAll(t, got);
    assertEquals(keys(t), fleetEventKeys(got), "the reading client missed nothing (resuming if it was dropped too)");
  }

  @Test
  void atMostSoManyStreamsAreOpenAtOnce() {
    TestCoordinator t = coordinator(b -> b.eventStreams(1, 100, 10));
    SseSocket first = SseSocket.open(t.coordinator.uri(), t.adminToken, null, null);
    open.add(first);
    assertEquals(200, first.status);
    assertEquals("text/event-stream", first.headers.get("content-type"));
    SseSocket second = SseSocket.open(t.coordinator.uri(), t.adminToken, null, null);
    assertEquals(503, second.status);
    assertTrue(second.headers.get("content-type").startsWith("application/problem+json"));
    assertEquals("5", second.headers.get("retry-after"));
    assertTrue(second.body.contains("at most 1 event streams at once"), second.body);
    second.close();
    first.close();
    AtomicBoolean accepted = new AtomicBoolean();
    int[] n = {0};
    Await.until(Duration.ofSeconds(20), () -> {
      // The closed stream's slot is freed when a write to it fails: an event makes one.
      t.fleet.dispatcher().submit(Task.newBuilder("nudge" + n[0]++).requires("gpu").build());
      try (SseSocket s = SseSocket.open(t.coordinator.uri(), t.adminToken, null, null)) {
        accepted.set(s.status == 200);
      }
      return accepted.get();
    }, () -> "a stream is accepted once the first one is gone");
  }

  @Test
  void aQuietStreamIsPingedAndOutlivesTheIdleTimeout() {
    TestCoordinator t = coordinator(b -> b.idleTimeout(Duration.ofMillis(800)).maxPollWait(Duration.ofMillis(400))
        .eventPing(Duration.ofMillis(2000)));
    SseSocket s = SseSocket.open(t.coordinator.uri(), t.adminToken, null, null);
    open.add(s);
    assertEquals("2000", s.headers.get("fleet-ping-millis"));
    assertEquals("0", String.valueOf(Long.parseLong(s.opening().id()) % 1_000_000_000L), "it starts at the start");
    long start = System.nanoTime();
    SseSocket.Block ping = s.next();
    long quiet = System.nanoTime() - start;
    assertEquals("ping", ping.comment());
    assertTrue(quiet > Duration.ofMillis(800).toNanos(), "the stream stayed quiet past the idle timeout: "
        + quiet / 1_000_000 + " ms");
    t.fleet.dispatcher().submit(Task.newBuilder("later").requires("gpu").build());
    assertEquals("task later queued>queued", key(s.events(1).get(0)), "and still carries events");
  }
}
