package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpAgent#leave}: the coordinator drains the machine, running work finishes within the grace or is
 * handed back without a result and moves at once (the coordinator's offline timeout here is a minute, and nothing
 * waits for it), and the machine is offline with the reason "left" until an agent for it runs again.
 */
class AgentLeaveTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private final TestCoordinator t = new TestCoordinator(b -> { }, f -> f.heartbeatInterval(Duration.ofMillis(200))
      .suspectAfter(Duration.ofSeconds(30)).offlineAfter(Duration.ofSeconds(60)));
  private final List<HttpAgent> agents = new ArrayList<>();

  @AfterEach
  void stop() {
    agents.forEach(HttpAgent::close);
    t.close();
  }

  private HttpAgent agent(String id, TaskHandler handler) {
    HttpAgent a = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of(id, id + ".local", "worker", List.of("x")))
        .joinToken(t.joinToken).handler(handler).slots(2).backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .build();
    agents.add(a);
    a.start();
    Await.until(LIMIT, () -> health(id) == Health.ONLINE, () -> id + " online: " + t.fleet.registry().list());
    return a;
  }

  private Health health(String id) {
    return t.fleet.registry().get(MachineId.of(id)).map(s -> s.health()).orElse(null);
  }

  private TaskStatus status(String task) {
    return t.fleet.dispatcher().status(TaskId.of(task)).orElseThrow();
  }

  private void submit(String id) {
    t.fleet.dispatcher().submit(Task.newBuilder(id).requires("x").payload(Payload.text(id, "text/plain")).build());
  }

  /** Runs until withdrawn, then answers a failure that must never be reported. */
  private static TaskResult untilStopped(TaskContext ctx, CountDownLatch started) {
    started.countDown();
    while (!ctx.isCancelled()) {
      LockSupport.parkNanos(5_000_000L);
    }
    return TaskResult.failure("stopped: " + ctx.cancelReason());
  }

  /** Whether any attempt of the task ended with a failure reported (the coordinator keeps every attempt's ending). */
  private boolean everFailed(String task) {
    return status(task).attempts().stream().anyMatch(a -> a.ending().startsWith("failed"));
  }

  @Test
  void runningWorkFinishesWithinTheGraceAndThenTheMachineIsOfflineAtOnce() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HttpAgent a = agent("a", ctx -> {
      started.countDown();
      release.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      return TaskResult.success(Payload.text("done on a", "text/plain"));
    });
    submit("job");
    assertTrue(started.await(20, TimeUnit.SECONDS));
    CompletableFuture<HttpAgent.Departure> leaving = CompletableFuture.supplyAsync(() -> a.leave(LIMIT));
    Await.until(LIMIT, () -> health("a") == Health.DRAINING, () -> "a draining: " + t.fleet.registry().list());
    assertEquals(1, status("job").attempt(), "running work is not moved by the drain");
    assertEquals(MachineId.of("a"), status("job").machine().orElseThrow());
    release.countDown();

    HttpAgent.Departure d = leaving.get(20, TimeUnit.SECONDS);

    assertEquals(new HttpAgent.Departure(1, 0, true), d);
    assertEquals(TaskState.SUCCEEDED, status("job").state());
    assertEquals("done on a", status("job").result().orElseThrow().output().asText());
    assertEquals(Health.OFFLINE, health("a"), "offline at once, a minute before the offline timeout");
    Await.until(LIMIT, () -> t.events.stream().anyMatch(e -> e instanceof FleetEvent.HealthChanged h
        && h.machine().value().equals("a") && h.to() == Health.OFFLINE && h.reason().equals("left")),
        t.events::toString);
    assertEquals(HttpAgent.State.CLOSED, a.state());
  }

  @Test
  void workStillRunningAtTheEndOfTheGraceIsHandedBackAndFinishesElsewhereNeverFailed() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    HttpAgent a = agent("a", ctx -> untilStopped(ctx, started));
    submit("long");
    assertTrue(started.await(20, TimeUnit.SECONDS));
    agent("b", ctx -> TaskResult.success(Payload.text("done on b", "text/plain")));

    HttpAgent.Departure d = a.leave(Duration.ofMillis(300));

    assertEquals(new HttpAgent.Departure(0, 1, true), d);
    Await.until(LIMIT, () -> status("long").state() == TaskState.SUCCEEDED, () -> "moved and done: " + status("long"));
    TaskStatus s = status("long");
    assertEquals(MachineId.of("b"), s.machine().orElseThrow());
    assertEquals("a left", s.attempts().get(0).ending());
    assertTrue(!everFailed("long"), t.events::toString);
    assertEquals(Health.OFFLINE, health("a"));
  }

  @Test
  void aSecondLeaveWithNoGraceHandsEverythingBackAtOnce() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    HttpAgent a = agent("a", ctx -> untilStopped(ctx, started));
    submit("long");
    assertTrue(started.await(20, TimeUnit.SECONDS));
    agent("b", ctx -> TaskResult.success());
    CompletableFuture<HttpAgent.Departure> first = CompletableFuture.supplyAsync(() -> a.leave(Duration.ofMinutes(10)));
    Await.until(LIMIT, () -> health("a") == Health.DRAINING, () -> "a draining: " + t.fleet.registry().list());

    long before = System.nanoTime();
    HttpAgent.Departure second = a.leave(Duration.ZERO);
    Duration took = Duration.ofNanos(System.nanoTime() - before);

    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "handed back in " + took);
    assertEquals(new HttpAgent.Departure(0, 1, true), second);
    assertEquals(second, first.get(5, TimeUnit.SECONDS));
    Await.until(LIMIT, () -> status("long").state() == TaskState.SUCCEEDED, () -> "moved and done: " + status("long"));
    assertTrue(!everFailed("long"), t.events::toString);
  }

  @Test
  void aMachineThatLeftIsBackWithItsNextAgentAndTakesWork() {
    HttpAgent a = agent("a", ctx -> TaskResult.success());
    Await.until(LIMIT, () -> a.credential().isPresent(), a::toString);
    String credential = a.credential().orElseThrow();
    a.leave(Duration.ofSeconds(5));
    assertEquals(Health.OFFLINE, health("a"));

    HttpAgent again = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of("a", "a.local", "worker", List.of("x")))
        .credential(credential).handler(ctx -> TaskResult.success(Payload.text("again", "text/plain"))).slots(1)
        .build();
    agents.add(again.start());
    Await.until(LIMIT, () -> health("a") == Health.ONLINE, () -> "a back: " + t.fleet.registry().list());
    submit("after");
    Await.until(LIMIT, () -> status("after").state() == TaskState.SUCCEEDED, () -> "ran: " + status("after"));
    assertEquals("again", status("after").result().orElseThrow().output().asText());
  }

  @Test
  void anAgentThatNeverJoinedJustStops() {
    HttpAgent a = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of("z", "z.local", "worker", List.of("x")))
        .joinToken(t.joinToken).handler(ctx -> TaskResult.success()).build();
    agents.add(a);
    assertEquals(new HttpAgent.Departure(0, 0, false), a.leave(Duration.ofSeconds(5)));
    assertEquals(HttpAgent.State.CLOSED, a.state());
  }

  @Test
  void theLeaveEndpointRefusesBodiesThatAreNeitherAGraceNorNowAndChangesNothing() {
    RawHttp.Reply join = t.http.post("/v1/join", t.joinToken, CoordinatorApiTest.machineJson("m", "x"));
    String cred = CoordinatorApiTest.field(join.body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":0,\"load\":0.1}").status());
    for (String body : List.of("{}", "{\"grace\":\"30s\"}", "{\"grace\":\"-PT1S\"}", "{\"now\":false}",
        "{\"grace\":\"PT1S\",\"now\":true}", "{\"grace\":30}", "{\"later\":true}", "[]")) {
      RawHttp.Reply r = t.http.post("/v1/leave", cred, body);
      assertEquals(400, r.status(), body + " -> " + r.body());
      assertTrue(r.isProblem(), r.contentType());
      assertEquals(Health.ONLINE, health("m"), body);
    }
    assertTrue(t.http.post("/v1/leave", cred, "{\"grace\":\"nope\"}").body().contains("ISO-8601"));
    assertEquals(401, t.http.post("/v1/leave", null, "{\"now\":true}").status());
    assertEquals(403, t.http.post("/v1/leave", t.adminToken, "{\"now\":true}").status());

    RawHttp.Reply drain = t.http.post("/v1/leave", cred, "{\"grace\":\"PT30S\"}");
    assertEquals(200, drain.status(), drain.body());
    assertEquals(Health.DRAINING, health("m"));
    RawHttp.Reply gone = t.http.post("/v1/leave", cred, "{\"now\":true}");
    assertEquals(200, gone.status(), gone.body());
    assertTrue(gone.body().contains("\"health\":\"offline\""), gone.body());
  }
}
