package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.FleetEvent;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.OwnerReturnPolicy;
import dev.fleet.Payload;
import dev.fleet.Priority;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Background work paused and resumed over HTTP: the owner's activity goes up with heartbeats, notices come down. */
class HttpPauseTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final Duration ACTIVE = Duration.ofSeconds(20);
  private static final Duration AWAY = Duration.ofMinutes(15);
  private final TestCoordinator t = new TestCoordinator(b -> { }, TestCoordinator.fastHeartbeats());
  private final List<HttpAgent> agents = new ArrayList<>();
  /** What the laptop's owner is doing, as its probe reports it. */
  private final AtomicReference<Duration> ownerIdle = new AtomicReference<>(AWAY);

  @AfterEach
  void stop() {
    agents.forEach(HttpAgent::close);
    t.close();
  }

  private HttpAgent laptop(TaskHandler handler) {
    HttpAgent a = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of("laptop", "laptop.local", "worker",
            List.of("embed"))).joinToken(t.joinToken).handler(handler).slots(2)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .probe(() -> Probe.Reading.ownerIdle(ownerIdle.get())).build();
    agents.add(a);
    a.start();
    Await.until(LIMIT, () -> t.fleet.registry().get(MachineId.of("laptop"))
        .map(m -> m.signals().ownerIdle().isPresent()).orElse(false), () -> "joined with owner signals");
    return a;
  }

  private TaskStatus status(String task) {
    return t.fleet.dispatcher().status(TaskId.of(task)).orElseThrow();
  }

  private static Task background(String id) {
    return Task.newBuilder(id).requires("embed").priority(Priority.BACKGROUND)
        .onOwnerReturn(OwnerReturnPolicy.pause(Duration.ofMinutes(30))).build();
  }

  @Test
  void theTaskHandlerIsToldToPauseWhenTheOwnerReturnsAndToResumeWhenTheyLeave() throws Exception {
    List<String> hooks = new CopyOnWriteArrayList<>();
    AtomicLong steps = new AtomicLong();
    AtomicBoolean finish = new AtomicBoolean();
    CountDownLatch finishing = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    AtomicLong stepsWhenHeld = new AtomicLong(-1);
    AtomicLong stepsWhenResumed = new AtomicLong(-1);
    HttpAgent agent = laptop(new TaskHandler() {
      @Override
      public TaskResult run(TaskContext ctx) throws Exception {
        started.countDown();
        while (!finish.get()) {
          if (ctx.isPaused() && holding.getCount() > 0) {
            stepsWhenHeld.set(steps.get());
            holding.countDown();
          }
          ctx.awaitResumed(); // a safe point: holds here while paused
          steps.incrementAndGet();
          finishing.await(5, TimeUnit.MILLISECONDS); // one step of work, cut short when told to finish
        }
        return TaskResult.success(Payload.text(ctx.task().id() + " attempt " + ctx.attempt(), "text/plain"));
      }

      @Override
      public void paused(TaskContext ctx, String reason) {
        hooks.add("paused " + ctx.task().id() + " (isPaused " + ctx.isPaused() + "): " + reason);
      }

      @Override
      public void resumed(TaskContext ctx, String reason) {
        stepsWhenResumed.set(steps.get());
        hooks.add("resumed " + ctx.task().id() + " (isPaused " + ctx.isPaused() + "): " + reason);
      }
    });
    t.fleet.dispatcher().submit(background("embed"));
    assertTrue(started.await(20, TimeUnit.SECONDS), "started");
    Await.until(LIMIT, () -> status("embed").state() == TaskState.RUNNING, () -> "running: " + status("embed"));

    ownerIdle.set(ACTIVE);
    Await.until(LIMIT, () -> hooks.size() == 1, () -> "pause hook: " + hooks + ", " + status("embed"));
    assertEquals("paused embed (isPaused true): the owner of laptop returned", hooks.get(0));
    assertEquals(TaskState.PAUSED, status("embed").state());
    assertTrue(status("embed").why().summary().startsWith("paused on laptop, attempt 1: the owner of laptop is active"
        + " since "), status("embed").why().summary());
    assertTrue(holding.await(20, TimeUnit.SECONDS), "the handler reached its safe point while paused");
    long held = stepsWhenHeld.get();
    assertEquals(List.of(TaskId.of("embed")), agent.activeTasks(), "the agent still holds it");
    Await.until(LIMIT, () -> t.fleet.registry().get(MachineId.of("laptop")).orElseThrow().load() == 0.0,
        () -> "paused work is not in the agent's reported load: " + t.fleet.registry().list());

    ownerIdle.set(AWAY);
    Await.until(LIMIT, () -> hooks.size() == 2, () -> "resume hook: " + hooks + ", " + status("embed"));
    assertEquals("resumed embed (isPaused false): the owner of laptop has been away 15min", hooks.get(1));
    // While paused (at least a heartbeat round trip, dozens of 5 ms steps) the handler took none; the agent may
    // clear the pause just before it calls the resume hook, so the first step after the safe point may show.
    long sinceHeld = stepsWhenResumed.get() - held;
    assertTrue(sinceHeld == 0 || sinceHeld == 1, () -> "steps between the safe point and the resume: " + sinceHeld);
    Await.until(LIMIT, () -> steps.get() > held, () -> "the handler went on");
    assertEquals(TaskState.RUNNING, status("embed").state());

    finish.set(true);
    finishing.countDown();
    Await.until(LIMIT, () -> status("embed").state() == TaskState.SUCCEEDED, () -> "finished: " + status("embed"));
    TaskStatus done = status("embed");
    assertEquals(1, done.attempt(), "the same attempt throughout");
    assertEquals("embed attempt 1", done.result().orElseThrow().output().asText());
    assertEquals(1, done.attempts().size());
    assertEquals(MachineId.of("laptop"), done.attempts().get(0).machine());
  }

  @Test
  void aHandlerThatIgnoresPausesFinishesWhilePausedAndItsResultIsAccepted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<FleetEvent.TaskChanged> changes = new CopyOnWriteArrayList<>();
    t.fleet.subscribe(e -> {
      if (e instanceof FleetEvent.TaskChanged c) {
        changes.add(c);
      }
    });
    AtomicReference<TaskContext> context = new AtomicReference<>();
    laptop(ctx -> { // the default hooks: nothing beyond isPaused()
      context.set(ctx);
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
      return TaskResult.success(Payload.text("done while " + (ctx.isPaused() ? "paused" : "running"), "text/plain"));
    });
    t.fleet.dispatcher().submit(background("index"));
    assertTrue(started.await(20, TimeUnit.SECONDS), "started");
    ownerIdle.set(ACTIVE);
    Await.until(LIMIT, () -> status("index").state() == TaskState.PAUSED, () -> "paused: " + status("index"));
    Await.until(LIMIT, () -> context.get().isPaused(), () -> "the agent heard of the pause");
    release.countDown();
    Await.until(LIMIT, () -> status("index").state() == TaskState.SUCCEEDED, () -> "accepted: " + status("index"));
    assertEquals("done while paused", status("index").result().orElseThrow().output().asText());
    // Events are delivered on the event executor, after the status changed: wait for it rather than race it.
    Await.until(LIMIT, () -> changes.stream().anyMatch(c -> c.from() == TaskState.PAUSED
        && c.to() == TaskState.SUCCEEDED), changes::toString);
  }

  @Test
  void onTheWireAPauseIsAMessageLikeAWithdrawalAndARejoiningAgentIsToldAgain() {
    String cred = CoordinatorApiTest.field(t.http.post("/v1/join", t.joinToken,
        CoordinatorApiTest.machineJson("m1", "embed")).body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":0,\"load\":0.0,"
        + "\"signals\":{\"ownerIdleMillis\":900000}}").status());
    RawHttp.Reply submit = t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[{\"id\":\"bg\",\"requires\":[\"embed\"],"
        + "\"priority\":\"background\",\"onOwnerReturn\":{\"action\":\"pause\",\"pauseAtMostMillis\":600000}}]}");
    assertTrue(submit.body().contains("\"outcome\":\"dispatched\""), submit.body());
    assertEquals(OwnerReturnPolicy.pause(Duration.ofMinutes(10)), status("bg").task().onOwnerReturn());
    RawHttp.Reply assign = t.http.get("/v1/assignments?ack=0&waitMillis=5000", cred);
    assertTrue(assign.body().contains("\"onOwnerReturn\":{\"action\":\"pause\",\"pauseAtMostMillis\":600000}"),
        assign.body());
    String token = CoordinatorApiTest.field(assign.body(), "token");
    assertEquals(200, t.http.post("/v1/tasks/bg/started", cred, "{\"token\":\"" + token + "\"}").status());

    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":1,\"load\":0.1,\"ack\":1,"
        + "\"signals\":{\"ownerIdleMillis\":20000}}").status());
    RawHttp.Reply pause = t.http.get("/v1/assignments?ack=1&waitMillis=5000", cred);
    assertTrue(pause.body().contains("{\"seq\":2,\"type\":\"pause\",\"taskId\":\"bg\",\"token\":\"" + token
        + "\",\"attempt\":1,\"reason\":\"the owner of m1 returned\"}"), pause.body());
    RawHttp.Reply st = t.http.get("/v1/tasks/bg", t.adminToken);
    assertTrue(st.body().contains("\"state\":\"paused\""), st.body());
    assertTrue(st.body().contains("resumes when the owner of m1 has been away 10min"), st.body());

    // The agent reconnects having acknowledged the pause: it gets its work again, and the pause after it.
    RawHttp.Reply rejoin = t.http.post("/v1/join", cred, CoordinatorApiTest.machineJson("m1", "embed"));
    assertEquals(200, rejoin.status(), rejoin.body());
    RawHttp.Reply again = t.http.get("/v1/assignments?ack=2&waitMillis=5000", cred);
    int a = again.body().indexOf("\"type\":\"assign\"");
    int p = again.body().indexOf("\"type\":\"pause\"");
    assertTrue(a >= 0 && p > a, again.body());

    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":2,\"load\":0.0,\"ack\":4,"
        + "\"signals\":{\"ownerIdleMillis\":900000}}").status());
    RawHttp.Reply resume = t.http.get("/v1/assignments?ack=4&waitMillis=5000", cred);
    assertTrue(resume.body().contains("\"type\":\"resume\",\"taskId\":\"bg\",\"token\":\"" + token + "\""),
        resume.body());
    assertEquals(TaskState.RUNNING, status("bg").state());
    assertEquals(200, t.http.post("/v1/tasks/bg/result", cred, "{\"token\":\"" + token + "\",\"succeeded\":true}")
        .status());
    assertEquals(TaskState.SUCCEEDED, status("bg").state());
  }
}
