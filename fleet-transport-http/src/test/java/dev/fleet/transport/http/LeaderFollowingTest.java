package dev.fleet.transport.http;

import dev.fleet.transport.http.model.CoordinatorsUnreachableException;
import dev.fleet.transport.http.model.RemoteEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Fleet;
import dev.fleet.Machine;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.core.Fleets;
import dev.fleet.testing.MemoryJournal;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Agents and clients given several coordinator URLs follow the leader (the replication protocol's point 3):
 * through a follower's 307 to the leader, past a coordinator that is down or knows no leader, and on to a new
 * leader at another URL when the old one goes away, keeping the machine's credential and finishing its work.
 * The followers are {@link FakeFollower}s; the leaders are real coordinators, the second one restored from the
 * first one's journal (as a new Raft leader holds the replicated state).
 */
class LeaderFollowingTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private final String joinToken = HttpCoordinator.newSecret();
  private final String adminToken = HttpCoordinator.newSecret();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private record Run(HttpCoordinator coordinator, Fleet fleet) {}

  private Run coordinator(MemoryJournal journal) {
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(joinToken).adminToken(adminToken).port(0)
        .rateLimit(100_000, 100_000).build();
    Fleet fleet = Fleets.newBuilder().transport(c).journal(journal).heartbeatInterval(Duration.ofMillis(100))
        .suspectAfter(Duration.ofSeconds(5)).offlineAfter(Duration.ofSeconds(10)).build();
    c.start(fleet);
    keep(fleet);
    keep(c);
    return new Run(c, fleet);
  }

  /** A URL on 127.0.0.1 where nothing listens: connections to it are refused. */
  static URI deadUrl() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  private static TaskStatus status(Run r, String task) {
    return r.fleet().dispatcher().status(TaskId.of(task)).orElseThrow(() -> new AssertionError("unknown " + task));
  }

  @Test
  void anAgentJoinsThroughAFollowerAndFollowsANewLeaderKeepingItsCredentialAndItsWork() throws Exception {
    AgentLog log = keep(new AgentLog());
    MemoryJournal journal = new MemoryJournal();
    Run first = coordinator(journal);
    FakeFollower follower = keep(new FakeFollower(first.coordinator().uri()));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    HttpAgent agent = keep(HttpAgent.newBuilder(List.of(follower.uri(), first.coordinator().uri()),
            Machine.of("m1", "m1.local", "worker", List.of("work"))).joinToken(joinToken).slots(1)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(100)).handler(ctx -> {
          ran.add(ctx.task().id() + "/" + ctx.token());
          if (ctx.task().id().value().equals("long")) {
            started.countDown();
            release.await(60, TimeUnit.SECONDS);
          }
          return TaskResult.success(Payload.text("done", "text/plain"));
        }).build());
    agent.start();
    Await.until(LIMIT, () -> agent.state() == HttpAgent.State.CONNECTED, () -> "joined: " + agent);
    assertTrue(follower.redirects.get() >= 1, "the join went to the follower first and was redirected");
    String credential = agent.credential().orElseThrow();
    first.fleet().dispatcher().submit(Task.newBuilder("long").requires("work").build());
    assertTrue(started.await(20, TimeUnit.SECONDS), "long started");

    // The leader goes away; another coordinator, at another URL, takes over with the replicated state.
    MemoryJournal replicated = journal.crash();
    first.coordinator().close();
    first.fleet().close();
    Run second = coordinator(replicated);
    URI secondUrl = second.coordinator().uri();
    follower.leader(secondUrl);

    Await.until(LIMIT, () -> agent.state() == HttpAgent.State.CONNECTED
        && second.fleet().registry().get(dev.fleet.MachineId.of("m1")).map(s -> s.lastHeartbeat().isPresent())
            .orElse(false)
        && status(second, "long").state() == TaskState.RUNNING, () -> "following: " + agent + " " + log.lines);
    assertEquals(credential, agent.credential().orElseThrow(), "the credential outlives the leader change");
    release.countDown();
    Await.until(LIMIT, () -> status(second, "long").state() == TaskState.SUCCEEDED,
        () -> "finished at the new leader: " + status(second, "long") + " " + log.lines);
    assertEquals(1, ran.size(), "ran once: " + ran);
    assertEquals(1, log.matching("INFO", "m1: following the leader at " + secondUrl).size(), log.lines::toString);
    assertEquals(1, log.matching("INFO", "following the leader").size(), log.lines::toString);
  }

  @Test
  void aClientPassesOverADeadCoordinatorAndFollowsARedirect() throws Exception {
    Run leader = coordinator(new MemoryJournal());
    FakeFollower follower = keep(new FakeFollower(leader.coordinator().uri()));
    HttpFleetClient client = HttpFleetClient.connect(List.of(deadUrl(), follower.uri()), adminToken);
    List<RemoteDecision> d = client.submit(List.of(Task.newBuilder("t1").build()));
    assertEquals(1, d.size());
    assertEquals(leader.coordinator().uri().toString() + "/", client.coordinator().toString(),
        "the leader it learned from the redirect is asked first from now on");
    assertTrue(client.task(TaskId.of("t1")).isPresent());
    assertTrue(client.recentEvents(OptionalLong.empty(), 10).size() >= 1, "the event stream follows too");
    assertEquals(1, follower.redirects.get(), "one redirect, then straight to the leader");
  }

  @Test
  void theEventStreamFollowsANewLeader() throws Exception {
    MemoryJournal journal = new MemoryJournal();
    Run first = coordinator(journal);
    FakeFollower follower = keep(new FakeFollower(first.coordinator().uri()));
    HttpFleetClient client = HttpFleetClient.connect(List.of(follower.uri(), first.coordinator().uri()), adminToken);
    List<RemoteEvent> seen = new CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<OptionalLong> reader = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> {
          try {
            return client.events(OptionalLong.empty(), e -> {
              seen.add(e);
              return !(e instanceof RemoteEvent.TaskChanged t && t.task().value().equals("after"));
            });
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
    keep(() -> reader.cancel(true));
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    Await.until(LIMIT, () -> { // until the stream is open: it starts from now
      client.submit(List.of(Task.newBuilder("before-" + n.incrementAndGet()).build()));
      return seen.stream().anyMatch(e -> e instanceof RemoteEvent.TaskChanged);
    }, () -> seen + " " + reader);

    MemoryJournal replicated = journal.crash();
    first.coordinator().close();
    first.fleet().close();
    Run second = coordinator(replicated);
    follower.leader(second.coordinator().uri());
    Await.until(LIMIT, () -> seen.stream().anyMatch(e -> e instanceof RemoteEvent.Gap), seen::toString);
    client.submit(List.of(Task.newBuilder("after").build()));
    reader.get(30, TimeUnit.SECONDS);
    assertEquals(second.coordinator().uri() + "/", client.coordinator().toString());
  }

  @Test
  void whenNoCoordinatorCanServeTheFailureNamesEveryUrlTried() throws Exception {
    URI dead = deadUrl();
    FakeFollower electing = keep(new FakeFollower(null));
    HttpFleetClient client = HttpFleetClient.connect(List.of(dead, electing.uri()), adminToken);
    CoordinatorsUnreachableException e = assertThrows(CoordinatorsUnreachableException.class, client::machines);
    assertEquals(2, e.tried().size(), e.getMessage());
    assertTrue(e.tried().get(0).startsWith(dead + ": connection refused"), e.getMessage());
    assertTrue(e.tried().get(1).startsWith(electing.uri() + ": HTTP 503: an election is under way"),
        e.getMessage());
    assertTrue(e.getMessage().startsWith("request to " + dead + ", " + electing.uri() + " failed: "),
        e.getMessage());
  }

  @Test
  void anAgentWaitsTheRetryAfterOfANodeWithoutALeaderRatherThanItsShorterBackoff() throws Exception {
    FakeFollower electing = keep(new FakeFollower(null)); // 503 no-leader, Retry-After: 1
    HttpAgent agent = keep(HttpAgent.newBuilder(List.of(electing.uri()), Machine.of("w", "w.local", "worker",
        List.of("x"))).joinToken(joinToken).backoff(Duration.ofMillis(10), Duration.ofMillis(50))
        .handler(ctx -> TaskResult.success()).build());
    agent.start();
    Await.until(LIMIT, () -> electing.arrivals.size() >= 3, () -> "three joins tried: " + electing.arrivals);
    List<Long> at = List.copyOf(electing.arrivals);
    for (int i = 1; i < at.size(); i++) {
      long gap = at.get(i) - at.get(i - 1);
      // Its own backoff would knock again within 60 ms; the node asked for a second.
      assertTrue(gap >= Duration.ofMillis(950).toNanos(), "join " + i + " came " + gap / 1_000_000 + " ms after "
          + "the one before");
    }
  }

  @Test
  void theCoordinatorsAreReadFromAnyNodeAndAnOlderCoordinatorHasNone() throws Exception {
    Run leader = coordinator(new MemoryJournal());
    FakeFollower follower = keep(new FakeFollower(leader.coordinator().uri()));
    follower.roster("{\"self\":\"desktop\",\"leader\":\"minipc\",\"term\":7,\"coordinators\":["
        + "{\"name\":\"desktop\",\"url\":\"" + follower.uri() + "\",\"role\":\"follower\"},"
        + "{\"name\":\"minipc\",\"url\":\"" + leader.coordinator().uri() + "\",\"role\":\"leader\"}]}");
    RemoteCoordinators r = HttpFleetClient.connect(follower.uri(), adminToken).coordinators().orElseThrow();
    assertEquals("desktop", r.self());
    assertEquals("minipc", r.leader().orElseThrow());
    assertEquals(7, r.term());
    assertEquals(List.of(new RemoteCoordinators.Node("desktop", follower.uri(), "follower"),
        new RemoteCoordinators.Node("minipc", leader.coordinator().uri(), "leader")), r.nodes());
    follower.roster(null);
    assertTrue(HttpFleetClient.connect(follower.uri(), adminToken).coordinators().isEmpty());
  }

  @Test
  void aListNeedsHttpUrls() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HttpFleetClient.connect(List.of(URI.create("ftp://x:1")), adminToken));
    assertTrue(e.getMessage().contains("ftp://x:1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HttpFleetClient.connect(List.of(), adminToken));
  }
}
