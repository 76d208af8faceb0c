package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Assignment;
import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.OwnerReturnPolicy;
import dev.fleet.Priority;
import dev.fleet.Reason;
import dev.fleet.Signals;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Background work that pauses in place when the owner of its machine returns, and resumes when they leave. */
class PauseTest {
  /** 14:00:00 UTC; the fleet's wall clock moves with its fake ticker from here. */
  private static final Instant BASE = Instant.parse("2026-11-23T14:00:00Z");
  private static final MachineId LAPTOP = MachineId.of("laptop");
  private static final MachineId DESK = MachineId.of("desk");
  private static final TaskId EMBED = TaskId.of("embed");

  private long seq;
  /** What the in-process agents heard, in order: "pause embed#1 on laptop: ...". */
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final InProcessTransport transport = new InProcessTransport();

  private TestFleet fleet(Consumer<FleetBuilder> more) {
    AtomicReference<TestFleet> ref = new AtomicReference<>();
    TestFleet t = new TestFleet(b -> {
      b.wallClock(() -> ref.get() == null ? BASE : BASE.plusNanos(ref.get().ticker.read())).transport(transport);
      more.accept(b);
    });
    ref.set(t);
    return t;
  }

  private void connect(MachineId m) {
    transport.connect(m, new InProcessTransport.Agent() {
      @Override
      public void assigned(Assignment a) {
        heard.add("assign " + a.task().id() + "#" + a.attempt() + " on " + a.machine());
      }

      @Override
      public void withdrawn(Assignment a, String reason) {
        heard.add("withdraw " + a.task().id() + "#" + a.attempt() + " on " + a.machine() + ": " + reason);
      }

      @Override
      public void paused(Assignment a, String reason) {
        heard.add("pause " + a.task().id() + "#" + a.attempt() + " on " + a.machine() + ": " + reason);
      }

      @Override
      public void resumed(Assignment a, String reason) {
        heard.add("resume " + a.task().id() + "#" + a.attempt() + " on " + a.machine() + ": " + reason);
      }
    });
  }

  private static Signals idle(Duration d) {
    return new Signals(false, OptionalInt.empty(), false, Optional.of(d), Map.of());
  }

  private static final Signals ACTIVE = idle(Duration.ofSeconds(20));
  private static final Signals AWAY = idle(Duration.ofMinutes(12));

  private void beat(TestFleet t, MachineId m, double load, Signals s) {
    t.fleet.monitor().heartbeat(new Heartbeat(m, ++seq, load, s));
  }

  /** Lets time pass in heartbeat intervals, the machine heartbeating with the same signals throughout. */
  private void pass(TestFleet t, Duration d, MachineId m, double load, Signals s) {
    for (long done = 0; done < d.toSeconds(); done += 5) {
      t.advance(Duration.ofSeconds(Math.min(5, d.toSeconds() - done)));
      beat(t, m, load, s);
    }
  }

  private static Task background(OwnerReturnPolicy policy) {
    return Task.newBuilder("embed").requires("x").priority(Priority.BACKGROUND).onOwnerReturn(policy).build();
  }

  private static TaskStatus status(TestFleet t, TaskId id) {
    return t.fleet.dispatcher().status(id).orElseThrow();
  }

  private static double effectiveLoad(TestFleet t, MachineId m) {
    return t.fleet.registry().get(m).orElseThrow().effectiveLoad();
  }

  private List<String> taskChanges(TestFleet t) {
    return t.events(FleetEvent.TaskChanged.class).stream().filter(e -> e.task().equals(EMBED))
        .map(e -> e.from() + ">" + e.to()).toList();
  }

  /** Registers the laptop, lets its owner be away, and starts the background task on it. */
  private Decision.Dispatched runningOnLaptop(TestFleet t, OwnerReturnPolicy policy) {
    return runningOnLaptop(t, background(policy));
  }

  private Decision.Dispatched runningOnLaptop(TestFleet t, Task task) {
    t.fleet.registry().register(TestFleet.machine("laptop", "r", "x"));
    connect(LAPTOP);
    beat(t, LAPTOP, 0.0, AWAY);
    Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(task));
    t.fleet.dispatcher().started(EMBED, d.token());
    beat(t, LAPTOP, 0.1, AWAY); // reports the task's load
    return d;
  }

  @Test
  void theOwnerReturningPausesTheTaskInPlaceAndLeavingAgainResumesTheSameAttempt() {
    try (TestFleet t = fleet(b -> {})) {
      Decision.Dispatched d = runningOnLaptop(t, OwnerReturnPolicy.PAUSE);
      assertEquals(0.1, effectiveLoad(t, LAPTOP), 1e-9);

      pass(t, Duration.ofMinutes(2).plusSeconds(20), LAPTOP, 0.1, AWAY); // 14:02:20
      beat(t, LAPTOP, 0.1, ACTIVE); // back at the keyboard 20 s ago, at 14:02:00
      TaskStatus s = status(t, EMBED);
      assertEquals(TaskState.PAUSED, s.state());
      assertEquals(Optional.of(LAPTOP), s.machine(), "it stays on its machine");
      assertEquals(1, s.attempt());
      assertEquals("attempt 1 on laptop (current)", s.attempts().get(0).toString());
      assertEquals("paused on laptop, attempt 1: the owner of laptop is active since 14:02", s.why().summary());
      assertEquals(List.of("resumes when the owner of laptop has been away 10min",
          "moves elsewhere if still paused at 15:02"), s.why().unblockers());
      assertEquals(Reason.OWNER_ACTIVE, s.why().machines().get(0).reason());
      assertEquals(s.why(), t.fleet.dispatcher().explain(EMBED));
      assertEquals(0.0, effectiveLoad(t, LAPTOP), 1e-9, "a paused task's load no longer counts for placement");
      assertEquals(1, t.fleet.registry().get(LAPTOP).orElseThrow().activeTasks(), "it is still the laptop's");
      assertTrue(heard.contains("pause embed#1 on laptop: the owner of laptop returned"), heard.toString());

      beat(t, LAPTOP, 0.0, idle(Duration.ofMinutes(3))); // still there, less active: stays paused
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());

      pass(t, Duration.ofMinutes(10), LAPTOP, 0.0, ACTIVE);
      assertEquals(TaskState.PAUSED, status(t, EMBED).state(), "sweeps resume nothing while the owner is active");
      beat(t, LAPTOP, 0.0, AWAY);
      s = status(t, EMBED);
      assertEquals(TaskState.RUNNING, s.state());
      assertEquals(1, s.attempt(), "the same attempt");
      assertEquals(1, s.attempts().size());
      assertEquals(0.1, effectiveLoad(t, LAPTOP), 1e-9, "counted again until a heartbeat reports it");
      beat(t, LAPTOP, 0.1, AWAY);
      assertEquals(0.1, effectiveLoad(t, LAPTOP), 1e-9, "reported now, and counted once");
      assertTrue(s.why().summary().endsWith("; resumed after a pause of 10min (the owner of laptop has been away 12min)"),
          s.why().summary());
      assertTrue(heard.contains("resume embed#1 on laptop: the owner of laptop has been away 12min"), heard.toString());
      assertEquals(List.of("QUEUED>DISPATCHED", "DISPATCHED>RUNNING", "RUNNING>PAUSED", "PAUSED>RUNNING"),
          taskChanges(t));

      // The same token still reports the result; exactly one is accepted.
      assertEquals(TaskState.SUCCEEDED,
          t.fleet.dispatcher().complete(EMBED, d.token(), TaskResult.success()).state());
      assertEquals(0.1, effectiveLoad(t, LAPTOP), 1e-9, "as last reported, until the next heartbeat");
      assertEquals(List.of("assign embed#1 on laptop", "pause embed#1 on laptop: the owner of laptop returned",
          "resume embed#1 on laptop: the owner of laptop has been away 12min"), heard);
    }
  }

  @Test
  void byDefaultBackgroundWorkStillMovesWhenTheOwnerReturns() {
    try (TestFleet t = fleet(b -> {})) {
      assertEquals(OwnerReturnPolicy.MOVE, background(OwnerReturnPolicy.MOVE).onOwnerReturn());
      assertEquals(OwnerReturnPolicy.MOVE, Task.newBuilder("t").build().onOwnerReturn());
      runningOnLaptop(t, OwnerReturnPolicy.MOVE);
      beat(t, LAPTOP, 0.1, ACTIVE);
      assertEquals(TaskState.QUEUED, status(t, EMBED).state());
      assertTrue(heard.contains("withdraw embed#1 on laptop: the owner of laptop returned"), heard.toString());
    }
  }

  @Test
  void aTaskPausedBeforeItStartedResumesAsDispatchedAndOneThatStartsWhilePausedResumesAsRunning() {
    try (TestFleet t = fleet(b -> {})) {
      t.fleet.registry().register(TestFleet.machine("laptop", "r", "x"));
      beat(t, LAPTOP, 0.0, AWAY);
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(background(OwnerReturnPolicy.PAUSE));
      assertEquals(0.1, effectiveLoad(t, LAPTOP), 1e-9, "reserved until it is reported");
      beat(t, LAPTOP, 0.0, ACTIVE);
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      assertEquals(0.0, effectiveLoad(t, LAPTOP), 1e-9, "the reservation is released while paused");
      beat(t, LAPTOP, 0.0, AWAY);
      assertEquals(TaskState.DISPATCHED, status(t, EMBED).state());
      assertEquals(0.1, effectiveLoad(t, LAPTOP), 1e-9);

      beat(t, LAPTOP, 0.0, ACTIVE);
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      // The agent started it before it heard of the pause: accepted, and it stays paused.
      assertEquals(TaskState.PAUSED, t.fleet.dispatcher().started(EMBED, d.token()).state());
      assertEquals(0.0, effectiveLoad(t, LAPTOP), 1e-9);
      beat(t, LAPTOP, 0.0, AWAY);
      assertEquals(TaskState.RUNNING, status(t, EMBED).state());
      assertEquals(0.1, effectiveLoad(t, LAPTOP), 1e-9);
      beat(t, LAPTOP, 0.1, AWAY);
      assertEquals(0.1, effectiveLoad(t, LAPTOP), 1e-9, "the heartbeat reported it; no reservation is left over");
    }
  }

  @Test
  void aResultReportedWhilePausedIsAcceptedAndAStaleTokenIsStillRefused() {
    try (TestFleet t = fleet(b -> {})) {
      Decision.Dispatched d = runningOnLaptop(t, OwnerReturnPolicy.PAUSE);
      beat(t, LAPTOP, 0.1, ACTIVE);
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(EMBED, d.token() + 1, TaskResult.success()));
      TaskStatus done = t.fleet.dispatcher().complete(EMBED, d.token(), TaskResult.success());
      assertEquals(TaskState.SUCCEEDED, done.state());
      assertEquals("succeeded on laptop, attempt 1", done.why().summary());
      assertEquals(List.of("QUEUED>DISPATCHED", "DISPATCHED>RUNNING", "RUNNING>PAUSED", "PAUSED>SUCCEEDED"),
          taskChanges(t));
      // The owner leaving afterwards resumes nothing.
      beat(t, LAPTOP, 0.0, AWAY);
      assertEquals(TaskState.SUCCEEDED, status(t, EMBED).state());
      assertEquals(0, t.fleet.registry().get(LAPTOP).orElseThrow().activeTasks());
      assertFalse(heard.stream().anyMatch(h -> h.startsWith("resume")), heard.toString());
    }
  }

  @Test
  void aPausedTaskCanBeCancelledAndItsMachineIsToldToStopIt() {
    try (TestFleet t = fleet(b -> {})) {
      Decision.Dispatched d = runningOnLaptop(t, OwnerReturnPolicy.PAUSE);
      beat(t, LAPTOP, 0.1, ACTIVE);
      assertTrue(t.fleet.dispatcher().cancel(EMBED));
      assertEquals(TaskState.CANCELLED, status(t, EMBED).state());
      assertEquals("withdraw embed#1 on laptop: cancelled by request", heard.get(heard.size() - 1));
      assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(EMBED, d.token(), TaskResult.success()));
      beat(t, LAPTOP, 0.0, AWAY);
      assertEquals(TaskState.CANCELLED, status(t, EMBED).state());
      assertEquals(0, t.fleet.registry().get(LAPTOP).orElseThrow().activeTasks());
    }
  }

  @Test
  void quietHoursBeginningResumesPausedWorkOnTheSweepAndTheirEndPausesItAgainWhileTheOwnerIsActive() {
    try (TestFleet t = fleet(b -> {})) {
      // Quiet from 14:05 to 14:10 (UTC, no timezone label); the owner stays active throughout.
      t.fleet.registry().register(TestFleet.machine("laptop", "r", "x").withLabel("quiet-hours", "14:05-14:10"));
      connect(LAPTOP);
      beat(t, LAPTOP, 0.0, AWAY);
      t.fleet.dispatcher().submit(background(OwnerReturnPolicy.PAUSE));
      beat(t, LAPTOP, 0.0, ACTIVE);
      TaskStatus s = status(t, EMBED);
      assertEquals(TaskState.PAUSED, s.state());
      assertEquals(List.of("resumes when the owner of laptop has been away 10min or in its quiet hours 14:05-14:10",
          "moves elsewhere if still paused at 15:00"), s.why().unblockers());
      while (t.ticker.read() < Duration.ofSeconds(296).toNanos()) {
        t.advance(Duration.ofSeconds(4));
        assertEquals(TaskState.PAUSED, status(t, EMBED).state(), "not before 14:05");
        beat(t, LAPTOP, 0.0, ACTIVE);
      }
      t.advance(Duration.ofSeconds(5)); // past 14:05 with no heartbeat: the sweep notices the quiet hours
      assertEquals(TaskState.DISPATCHED, status(t, EMBED).state());
      assertEquals("resume embed#1 on laptop: laptop is in its quiet hours 14:05-14:10", heard.get(heard.size() - 1));

      while (t.ticker.read() < Duration.ofSeconds(596).toNanos()) {
        t.advance(Duration.ofSeconds(4));
        assertEquals(TaskState.DISPATCHED, status(t, EMBED).state(), "quiet until 14:10");
        beat(t, LAPTOP, 0.0, ACTIVE);
      }
      t.advance(Duration.ofSeconds(5)); // past 14:10 with no heartbeat: the sweep pauses it again
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      assertEquals("pause embed#1 on laptop: the owner of laptop returned", heard.get(heard.size() - 1));
      assertEquals(List.of("QUEUED>DISPATCHED", "DISPATCHED>PAUSED", "PAUSED>DISPATCHED", "DISPATCHED>PAUSED"),
          taskChanges(t));
    }
  }

  @Test
  void workThatMovesLeavesWhenQuietHoursEndWhileTheOwnerIsActiveWithoutWaitingForAHeartbeat() {
    try (TestFleet t = fleet(b -> {})) {
      t.fleet.registry().register(TestFleet.machine("laptop", "r", "x").withLabel("quiet-hours", "13:00-14:01"));
      t.fleet.registry().register(TestFleet.machine("desk", "r", "x"));
      beat(t, LAPTOP, 0.0, ACTIVE);
      beat(t, DESK, 0.5, ACTIVE);
      Decision d = t.fleet.dispatcher().submit(background(OwnerReturnPolicy.MOVE));
      assertEquals(LAPTOP, assertInstanceOf(Decision.Dispatched.class, d).machine(), "quiet hours: it may run there");
      for (int i = 0; i < 12; i++) { // to 14:01, both owners active throughout
        t.advance(Duration.ofSeconds(5));
        beat(t, LAPTOP, 0.0, ACTIVE);
        beat(t, DESK, 0.5, ACTIVE);
      }
      t.advance(Duration.ofSeconds(5));
      TaskStatus s = status(t, EMBED);
      assertEquals(TaskState.QUEUED, s.state(), "nowhere else to go: the desk's owner is active too");
      assertEquals("attempt 1 on laptop: the owner of laptop returned", s.attempts().get(0).toString());
    }
  }

  @Test
  void workPausedLongerThanItsPolicyAllowsMovesAnywayWithoutCountingALostAttempt() {
    try (TestFleet t = fleet(b -> {})) {
      // One attempt allowed: had the move counted as a lost attempt, the task would be dead-lettered.
      Decision.Dispatched first = runningOnLaptop(t, Task.newBuilder("embed").requires("x")
          .priority(Priority.BACKGROUND).onOwnerReturn(OwnerReturnPolicy.pause(Duration.ofMinutes(2))).maxAttempts(1)
          .build());
      t.fleet.registry().register(TestFleet.machine("desk", "r", "x"));
      beat(t, DESK, 0.5, ACTIVE); // its owner is active too: nowhere to go yet
      beat(t, LAPTOP, 0.1, ACTIVE);
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      assertEquals("moves elsewhere if still paused at 14:02", status(t, EMBED).why().unblockers().get(1));
      for (int i = 0; i < 23; i++) { // 115 s of heartbeats with the owners active
        t.advance(Duration.ofSeconds(5));
        beat(t, LAPTOP, 0.0, ACTIVE);
        beat(t, DESK, 0.5, ACTIVE);
      }
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      t.advance(Duration.ofSeconds(5));
      TaskStatus s = status(t, EMBED);
      assertEquals(TaskState.QUEUED, s.state());
      assertEquals("attempt 1 on laptop: paused on laptop for 2min while its owner was active",
          s.attempts().get(0).toString());
      assertEquals("withdraw embed#1 on laptop: paused on laptop for 2min while its owner was active",
          heard.get(heard.size() - 1));
      assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(EMBED, first.token(), TaskResult.success()));

      beat(t, DESK, 0.5, AWAY); // the desk's owner leaves; the laptop is the one it left, so the desk takes it
      s = status(t, EMBED);
      assertEquals(TaskState.DISPATCHED, s.state());
      assertEquals(Optional.of(DESK), s.machine());
      assertEquals(2, s.attempt());
      t.fleet.registry().deregister(DESK); // a real loss: the one attempt it was allowed to lose
      assertEquals(TaskState.DEAD_LETTERED, status(t, EMBED).state());
    }
  }

  @Test
  void aMachineThatGoesOfflineWhileItsWorkIsPausedLosesItToNormalFailover() {
    try (TestFleet t = fleet(b -> {})) {
      runningOnLaptop(t, OwnerReturnPolicy.PAUSE);
      t.fleet.registry().register(TestFleet.machine("desk", "r", "x"));
      beat(t, DESK, 0.2, AWAY);
      beat(t, LAPTOP, 0.1, ACTIVE);
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      for (int i = 0; i < 8; i++) { // the laptop falls silent; the desk keeps heartbeating
        t.advance(Duration.ofSeconds(5));
        beat(t, DESK, 0.2, AWAY);
      }
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(LAPTOP));
      TaskStatus s = status(t, EMBED);
      assertEquals(TaskState.DISPATCHED, s.state());
      assertEquals(Optional.of(DESK), s.machine());
      assertEquals("attempt 1 on laptop: laptop went offline", s.attempts().get(0).toString());
      List<String> changes = taskChanges(t);
      assertTrue(changes.contains("PAUSED>QUEUED"), changes.toString());
      // The laptop coming back with its owner away resumes nothing: the work is the desk's now.
      beat(t, LAPTOP, 0.0, AWAY);
      assertEquals(Optional.of(DESK), status(t, EMBED).machine());
      assertEquals(TaskState.DISPATCHED, status(t, EMBED).state());
    }
  }

  @Test
  void pausedWorkOnADrainingMachineResumesThereAndOnAnAsleepOneWhenItWakesWithItsOwnerAway() {
    try (TestFleet t = fleet(b -> {})) {
      runningOnLaptop(t, OwnerReturnPolicy.PAUSE);
      beat(t, LAPTOP, 0.1, ACTIVE);
      t.fleet.registry().drain(LAPTOP);
      beat(t, LAPTOP, 0.0, AWAY);
      assertEquals(TaskState.RUNNING, status(t, EMBED).state(), "a drained machine finishes its work");
      beat(t, LAPTOP, 0.1, ACTIVE);
      t.fleet.registry().undrain(LAPTOP);
      t.fleet.monitor().announceSleep(LAPTOP);
      t.advance(Duration.ofSeconds(5));
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      beat(t, LAPTOP, 0.0, AWAY); // wakes with its owner away
      assertEquals(Health.ONLINE, t.fleet.monitor().health(LAPTOP));
      assertEquals(TaskState.RUNNING, status(t, EMBED).state());
    }
  }

  @Test
  void preemptionDoesNotEvictPausedWorkWhichHoldsNoLoad() {
    try (TestFleet t = fleet(b -> b.preemption(3).loadPerTask(0.4))) {
      runningOnLaptop(t, OwnerReturnPolicy.PAUSE);
      Task normal = Task.newBuilder("normal").requires("x").build();
      Decision.Dispatched n = (Decision.Dispatched) t.fleet.dispatcher().submit(normal);
      t.fleet.dispatcher().started(normal.id(), n.token());
      beat(t, LAPTOP, 0.8, ACTIVE); // both reported; then the background one pauses
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      assertEquals(0.4, effectiveLoad(t, LAPTOP), 1e-9);
      beat(t, LAPTOP, 0.99, ACTIVE); // the owner's own work fills the machine
      // Evicting the paused task would free nothing, and normal work is too close to urgent to preempt.
      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("fire").requires("x").priority(Priority.URGENT).build());
      assertInstanceOf(Decision.Queued.class, d);
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      assertEquals(TaskState.RUNNING, status(t, normal.id()).state());
    }
  }

  @Test
  void aPausedTaskCanBeMovedByHandAndAResubmissionReturnsItsCurrentAttempt() {
    try (TestFleet t = fleet(b -> {})) {
      Decision.Dispatched d = runningOnLaptop(t, OwnerReturnPolicy.PAUSE);
      t.fleet.registry().register(TestFleet.machine("desk", "r", "x"));
      beat(t, LAPTOP, 0.1, ACTIVE);
      Decision.Dispatched again = assertInstanceOf(Decision.Dispatched.class,
          t.fleet.dispatcher().submit(background(OwnerReturnPolicy.PAUSE)));
      assertEquals(d.token(), again.token());
      Decision.Dispatched moved = t.fleet.dispatcher().reroute(EMBED, DESK);
      assertEquals(2, moved.attempt());
      assertEquals(TaskState.DISPATCHED, status(t, EMBED).state());
      assertTrue(heard.contains("withdraw embed#1 on laptop: moved from laptop to desk by request"), heard.toString());
      beat(t, LAPTOP, 0.0, AWAY); // nothing left to resume on the laptop
      assertEquals(Optional.of(DESK), status(t, EMBED).machine());
      assertEquals(TaskState.DISPATCHED, status(t, EMBED).state());
    }
  }

  @Test
  void theRulesPageSaysBackgroundWorkIsPausedOrMovedPerTheTasksPolicy() {
    try (TestFleet t = fleet(b -> {})) {
      assertTrue(t.fleet.describeRules().contains("when the owner returns, running background work is paused or"
          + " moved per the task's policy"), t.fleet.describeRules());
    }
  }

  @Test
  void thePolicyIsValidatedAndParsed() {
    assertEquals(OwnerReturnPolicy.PAUSE, OwnerReturnPolicy.parse("pause"));
    assertEquals(OwnerReturnPolicy.MOVE, OwnerReturnPolicy.parse(" MOVE "));
    assertEquals(OwnerReturnPolicy.pause(Duration.ofMinutes(30)), OwnerReturnPolicy.parse("pause:PT30M"));
    assertEquals(Duration.ofHours(1), OwnerReturnPolicy.PAUSE.pauseAtMost());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OwnerReturnPolicy.parse("stop"));
    assertTrue(e.getMessage().contains("'stop'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> OwnerReturnPolicy.pause(Duration.ofSeconds(-5)));
    assertTrue(e.getMessage().contains("PT-5S"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> OwnerReturnPolicy.pause(Duration.ZERO));
    assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new OwnerReturnPolicy(OwnerReturnPolicy.Action.MOVE, Duration.ofMinutes(5)));
    assertTrue(e.getMessage().contains("PT5M"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> OwnerReturnPolicy.parse("pause:soon"));
    assertTrue(e.getMessage().contains("pause:soon"), e.getMessage());
    assertThrows(NullPointerException.class, () -> Task.newBuilder("t").onOwnerReturn(null));
    NullPointerException n = assertThrows(NullPointerException.class, () -> new Task(TaskId.of("t"), "t",
        java.util.Set.of(), Priority.BACKGROUND, dev.fleet.Payload.EMPTY, Optional.empty(), dev.fleet.Weight.NORMAL,
        Optional.empty(), 3, Optional.empty(), dev.fleet.ReschedulePolicy.DEFAULT, null));
    assertTrue(n.getMessage().contains("onOwnerReturn of task t"), n.getMessage());
  }

  @Test
  void aPauseWithoutLimitWaitsForTheOwnerForever() {
    try (TestFleet t = fleet(b -> b.heartbeatInterval(Duration.ofHours(1)).suspectAfter(Duration.ofHours(30))
        .offlineAfter(Duration.ofHours(40)))) {
      runningOnLaptop(t, OwnerReturnPolicy.pause(OwnerReturnPolicy.PAUSE_FOREVER));
      beat(t, LAPTOP, 0.1, ACTIVE);
      TaskStatus s = status(t, EMBED);
      assertEquals(List.of("resumes when the owner of laptop has been away 10min"), s.why().unblockers());
      t.advance(Duration.ofHours(24));
      assertEquals(TaskState.PAUSED, status(t, EMBED).state());
      beat(t, LAPTOP, 0.0, AWAY);
      assertEquals(TaskState.RUNNING, status(t, EMBED).state());
    }
  }

  @Test
  void machinesWithoutBackgroundWorkAreUnaffectedAndOtherPrioritiesNeverPause() {
    try (TestFleet t = fleet(b -> {})) {
      t.fleet.registry().register(TestFleet.machine("laptop", "r", "x"));
      beat(t, LAPTOP, 0.0, AWAY);
      Task normal = Task.newBuilder("n").requires("x").onOwnerReturn(OwnerReturnPolicy.PAUSE).build();
      t.fleet.dispatcher().submit(normal);
      beat(t, LAPTOP, 0.1, ACTIVE);
      assertEquals(TaskState.DISPATCHED, status(t, normal.id()).state(), "only background work follows the owner");
    }
  }
}
