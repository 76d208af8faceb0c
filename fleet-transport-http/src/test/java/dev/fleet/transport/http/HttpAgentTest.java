package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpAgentTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private final TestCoordinator t = new TestCoordinator(b -> { }, TestCoordinator.fastHeartbeats());
  private final List<HttpAgent> agents = new ArrayList<>();

  @AfterEach
  void stop() {
    agents.forEach(HttpAgent::close);
    t.close();
  }

  private HttpAgent agent(String id, TaskHandler handler, String... caps) {
    HttpAgent a = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of(id, id + ".local", "worker", List.of(caps)))
        .joinToken(t.joinToken).handler(handler).slots(2).backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .build();
    agents.add(a);
    return a.start();
  }

  private TaskStatus status(String task) {
    return t.fleet.dispatcher().status(TaskId.of(task)).orElseThrow();
  }

  private static TaskHandler echo() {
    return ctx -> TaskResult.success(Payload.text(ctx.machine() + ":" + ctx.task().payload().asText(), "text/plain"));
  }

  @Test
  void tasksRunOnMachinesWithTheirCapabilities() {
    agent("coder", echo(), "code");
    agent("writer", echo(), "social");
    Await.until(LIMIT, () -> t.fleet.registry().size() == 2, () -> "both joined: " + t.fleet.registry().list());
    for (int i = 0; i < 10; i++) {
      t.fleet.dispatcher().submit(Task.newBuilder("c" + i).requires("code").payload(Payload.text("x" + i, "text/plain"))
          .build());
      t.fleet.dispatcher().submit(Task.newBuilder("s" + i).requires("social").build());
    }
    Await.until(LIMIT, () -> {
      for (int i = 0; i < 10; i++) {
        if (status("c" + i).state() != TaskState.SUCCEEDED || status("s" + i).state() != TaskState.SUCCEEDED) {
          return false;
        }
      }
      return true;
    }, () -> "all 20 succeed: " + t.fleet.dispatcher().queue());
    for (int i = 0; i < 10; i++) {
      assertEquals(MachineId.of("coder"), status("c" + i).machine().orElseThrow());
      assertEquals("coder:x" + i, status("c" + i).result().orElseThrow().output().asText());
      assertEquals(MachineId.of("writer"), status("s" + i).machine().orElseThrow());
    }
  }

  @Test
  void attemptsStillRunningAMomentLaterAreReportedStartedAndShortOnesOnlyByTheirResult() {
    CountDownLatch release = new CountDownLatch(1);
    agent("m", ctx -> {
      if (ctx.task().id().value().equals("long")) {
        release.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      return TaskResult.success();
    }, "code");
    Await.until(LIMIT, () -> t.fleet.registry().size() == 1, () -> "joined: " + t.fleet.registry().list());
    t.fleet.dispatcher().submit(Task.newBuilder("short").requires("code").build());
    t.fleet.dispatcher().submit(Task.newBuilder("long").requires("code").build());
    Await.until(LIMIT, () -> status("long").state() == TaskState.RUNNING, () -> "long runs: " + status("long"));
    release.countDown();
    Await.until(LIMIT, () -> status("short").state() == TaskState.SUCCEEDED && status("long").state()
        == TaskState.SUCCEEDED, () -> "both succeed: " + status("short") + ", " + status("long"));
    assertTrue(t.events.stream().noneMatch(e -> e instanceof FleetEvent.TaskChanged c
        && c.task().value().equals("short") && c.to() == TaskState.RUNNING), () -> "short was reported started: "
        + t.events);
  }

  @Test
  void heartbeatsCarryTheProbesSignalsAndTheBusierOfSlotsAndProbeLoad() {
    HttpAgent a = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of("laptop", "laptop.local", "worker",
            List.of("code"))).joinToken(t.joinToken).handler(echo()).slots(2)
        .probe(() -> new Probe.Reading(java.util.OptionalDouble.of(0.4), java.util.Optional.of(true),
            java.util.OptionalInt.of(35), java.util.Optional.empty(), Map.of("cpu.temp", 70.0)))
        .probe(() -> new Probe.Reading(java.util.OptionalDouble.empty(), java.util.Optional.empty(),
            java.util.OptionalInt.empty(), java.util.Optional.of(true), Map.of()))
        .probe(() -> {
          throw new IllegalStateException("a broken probe is skipped");
        }).build();
    agents.add(a.start());
    Await.until(LIMIT, () -> t.fleet.registry().get(MachineId.of("laptop"))
        .map(m -> m.signals().onBattery()).orElse(false), () -> "signals arrived: " + t.fleet.registry().list());
    var m = t.fleet.registry().get(MachineId.of("laptop")).orElseThrow();
    assertEquals(0.4, m.load(), 1e-9);
    assertEquals(35, m.signals().batteryPercent().getAsInt());
    assertTrue(m.signals().throttled());
    assertEquals(70.0, m.signals().metrics().get("cpu.temp"));
  }

  @Test
  void aWithdrawnTaskIsStoppedOnTheAgent() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    agent("m1", ctx -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        stopped.countDown();
        throw e;
      }
      return TaskResult.success();
    }, "code");
    Await.until(LIMIT, () -> t.fleet.registry().size() == 1, () -> "joined");
    t.fleet.dispatcher().submit(Task.newBuilder("long").requires("code").build());
    assertTrue(started.await(20, TimeUnit.SECONDS), "started");
    assertTrue(t.fleet.dispatcher().cancel(TaskId.of("long")));
    assertTrue(stopped.await(20, TimeUnit.SECONDS), "the handler was interrupted");
    assertEquals(TaskState.CANCELLED, status("long").state());
  }

  @Test
  void anAgentThatLosesTheCoordinatorBrieflyKeepsItsWorkAndReconnectsAsTheSameMachine() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HttpAgent a = agent("m1", ctx -> {
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
      return TaskResult.success(Payload.text("kept", "text/plain"));
    }, "code");
    Await.until(LIMIT, () -> a.state() == HttpAgent.State.CONNECTED, () -> "connected: " + a);
    t.fleet.dispatcher().submit(Task.newBuilder("job").requires("code").build());
    assertTrue(started.await(20, TimeUnit.SECONDS));
    Await.until(LIMIT, () -> status("job").state() == TaskState.RUNNING, () -> "running: " + status("job"));

    t.coordinator.close();
    Await.until(LIMIT, () -> a.state() == HttpAgent.State.DISCONNECTED, () -> "disconnected: " + a);
    release.countDown(); // the work finishes while the coordinator is away; its result waits
    t.coordinator.start(t.fleet);

    Await.until(LIMIT, () -> status("job").state() == TaskState.SUCCEEDED, () -> "result accepted: " + status("job"));
    assertEquals("kept", status("job").result().orElseThrow().output().asText());
    assertEquals(1, t.fleet.registry().size());
    Await.until(LIMIT, () -> t.fleet.monitor().health(MachineId.of("m1")) == Health.ONLINE, () -> "online again");
  }

  @Test
  void workMovedWhileTheAgentWasAwayIsStoppedWhenItReturns() throws Exception {
    Map<Long, Boolean> runs = new ConcurrentHashMap<>();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch firstStopped = new CountDownLatch(1);
    HttpAgent a = agent("m1", ctx -> {
      if (ctx.attempt() == 1) {
        firstStarted.countDown();
        try {
          new CountDownLatch(1).await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          firstStopped.countDown();
          throw e;
        }
      }
      runs.put((long) ctx.attempt(), true);
      return TaskResult.success();
    }, "code");
    Await.until(LIMIT, () -> a.state() == HttpAgent.State.CONNECTED, () -> "connected");
    t.fleet.dispatcher().submit(Task.newBuilder("job").requires("code")
        .reschedule(ReschedulePolicy.constant(Duration.ZERO)).build());
    assertTrue(firstStarted.await(20, TimeUnit.SECONDS));

    t.coordinator.close();
    Await.until(LIMIT, () -> t.fleet.monitor().health(MachineId.of("m1")) == Health.OFFLINE, () -> "offline");
    t.coordinator.start(t.fleet);

    assertTrue(firstStopped.await(20, TimeUnit.SECONDS), "attempt 1 was withdrawn and stopped");
    Await.until(LIMIT, () -> status("job").state() == TaskState.SUCCEEDED, () -> "attempt 2 done: " + status("job"));
    assertEquals(2, status("job").attempt());
    assertEquals(Map.of(2L, true), runs);
    assertEquals(1, t.fleet.registry().size());
    // Events arrive on the fleet's event thread, after the state is visible.
    Await.until(LIMIT, () -> t.events.stream().anyMatch(e -> e instanceof FleetEvent.TaskChanged c
        && c.to() == TaskState.SUCCEEDED), () -> "success event");
    long accepted = t.events.stream().filter(e -> e instanceof FleetEvent.TaskChanged c
        && c.to() == TaskState.SUCCEEDED).count();
    assertEquals(1, accepted);
  }
}
