package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Assignment;
import dev.fleet.Decision;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Signals;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Losing a machine is a non-event: its work moves, nothing is lost, nothing is accepted twice. */
class LivenessTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  private static TaskStatus status(TestFleet t, String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow();
  }

  /** Keeps every machine but the named silent ones heartbeating while time passes. */
  private static void passTime(TestFleet t, Duration d, List<String> alive) {
    for (long s = 0; s < d.toSeconds(); s++) {
      alive.forEach(id -> t.beat(id, 0.1));
      t.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void aCrashedMachinesWorkRunsElsewhereAsANewAttemptAndItsOldResultIsRefused() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      Decision.Dispatched first = (Decision.Dispatched) t.fleet.dispatcher().submit(Task.newBuilder("job")
          .requires("x").build());
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      passTime(t, Duration.ofSeconds(31), List.of("b"));

      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      TaskStatus s = status(t, "job");
      assertEquals(TaskState.DISPATCHED, s.state());
      assertEquals(B, s.machine().orElseThrow());
      assertEquals(2, s.attempt());
      assertEquals("attempt 1 on a: a went offline", s.attempts().get(0).toString());
      assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(first.task().id(), first.token(), TaskResult.success()));
    }
  }

  @Test
  void aTaskThatKeepsLosingItsMachineIsDeadLetteredWithItsHistory() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.dispatcher().submit(Task.newBuilder("job").requires("x").maxAttempts(2)
          .reschedule(ReschedulePolicy.constant(Duration.ZERO)).build());
      t.advance(Duration.ofSeconds(30));             // a goes offline, attempt 1 lost
      t.beat("a", 0.1);                              // back: attempt 2 goes to a (no other machine)
      assertEquals(2, status(t, "job").attempt());
      t.advance(Duration.ofSeconds(30));             // lost again: out of attempts

      TaskStatus s = status(t, "job");
      assertEquals(TaskState.DEAD_LETTERED, s.state());
      assertEquals("dead-lettered after 2 of 2 attempts: a went offline", s.why().summary());
      assertEquals(List.of("attempt 1 on a: a went offline", "attempt 2 on a: a went offline"),
          s.attempts().stream().map(Object::toString).toList());
    }
  }

  @Test
  void retriesWaitAnExponentialBackoff() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.dispatcher().submit(Task.newBuilder("job").requires("x").maxAttempts(5)
          .reschedule(ReschedulePolicy.exponential(Duration.ofSeconds(4), Duration.ofSeconds(10))).build());
      t.fleet.registry().deregister(A);                 // attempt 1 lost: retry after 4 s
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.advance(Duration.ofMillis(3999));
      assertEquals(1, status(t, "job").attempt());
      t.advance(Duration.ofMillis(1));
      assertEquals(2, status(t, "job").attempt());
      t.fleet.registry().deregister(A);                 // attempt 2 lost: retry after 8 s
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.advance(Duration.ofSeconds(7));
      assertEquals(TaskState.QUEUED, status(t, "job").state());
      t.advance(Duration.ofSeconds(1));
      assertEquals(3, status(t, "job").attempt());
      assertEquals(Duration.ofSeconds(10),
          ReschedulePolicy.exponential(Duration.ofSeconds(4), Duration.ofSeconds(10)).delayBefore(4));
    }
  }

  @Test
  void theNextAttemptAvoidsTheMachineThatLostItWhenAnotherFits() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("b", 0.5);
      t.fleet.dispatcher().submit(Task.newBuilder("job").requires("x")
          .reschedule(ReschedulePolicy.constant(Duration.ofSeconds(5))).build());
      assertEquals(A, status(t, "job").machine().orElseThrow());
      passTime(t, Duration.ofSeconds(30), List.of("b"));   // a offline: retry in 5 s
      t.beat("a", 0.0);                                    // a is back, idle, before the retry (a partition healed)
      passTime(t, Duration.ofSeconds(5), List.of("b"));

      TaskStatus s = status(t, "job");
      assertEquals(B, s.machine().orElseThrow(), "least-loaded alone would pick a at 0.0");
      assertEquals("b chosen by least-loaded (load 0.10 < 0.80), attempt 2; avoiding a, which lost the last attempt",
          s.why().summary());
    }
  }

  @Test
  void theMachineThatLostAnAttemptStillTakesTheRetryWhenNothingElseFits() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.dispatcher().submit(Task.newBuilder("job").requires("x")
          .reschedule(ReschedulePolicy.constant(Duration.ZERO)).build());
      t.advance(Duration.ofSeconds(30));
      t.beat("a", 0.0);
      assertEquals(2, status(t, "job").attempt());
      assertEquals(A, status(t, "job").machine().orElseThrow());
    }
  }

  @Test
  void anAsleepMachinesWorkWaitsForItsGraceThenMoves() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("laptop", "r", "x"));
      t.fleet.dispatcher().submit(Task.newBuilder("patient").requires("x")
          .reschedule(ReschedulePolicy.DEFAULT.withAsleepGrace(ReschedulePolicy.WAIT_FOREVER)).build());
      t.fleet.dispatcher().submit(Task.newBuilder("hasty").requires("x")
          .reschedule(ReschedulePolicy.constant(Duration.ZERO).withAsleepGrace(Duration.ofMinutes(2))).build());
      t.fleet.monitor().announceSleep(MachineId.of("laptop"));
      t.fleet.registry().register(TestFleet.machine("desk", "r", "x"));
      assertEquals(Health.ASLEEP, t.fleet.monitor().health(MachineId.of("laptop")));

      passTime(t, Duration.ofSeconds(119), List.of("desk"));
      assertEquals(MachineId.of("laptop"), status(t, "hasty").machine().orElseThrow());
      passTime(t, Duration.ofSeconds(2), List.of("desk"));
      assertEquals(MachineId.of("desk"), status(t, "hasty").machine().orElseThrow());
      assertEquals("attempt 1 on laptop: laptop was asleep for 2min", status(t, "hasty").attempts().get(0).toString());
      passTime(t, Duration.ofMinutes(30), List.of("desk"));
      assertEquals(MachineId.of("laptop"), status(t, "patient").machine().orElseThrow(), "waits for the laptop");

      t.beat("laptop", 0.1);
      assertEquals(Health.ONLINE, t.fleet.monitor().health(MachineId.of("laptop")));
      assertEquals(TaskState.DISPATCHED, status(t, "patient").state());
    }
  }

  @Test
  void aLaptopThatFallsSilentAfterItsOwnerLeftIsAsleepNotOffline() {
    try (TestFleet t = new TestFleet()) {
      Machine laptop = TestFleet.machine("laptop", "r", "x").withLabel(Machine.LABEL_FORM, "laptop");
      Machine desktop = TestFleet.machine("desktop", "r", "x");
      t.fleet.registry().register(laptop);
      t.fleet.registry().register(desktop);
      Signals idle = new Signals(false, OptionalInt.of(80), false, Optional.of(Duration.ofMinutes(10)), Map.of());
      t.fleet.monitor().heartbeat(new Heartbeat(laptop.id(), 1, 0.0, idle));
      t.fleet.monitor().heartbeat(new Heartbeat(desktop.id(), 1, 0.0, idle));
      t.advance(Duration.ofSeconds(30));
      assertEquals(Health.ASLEEP, t.fleet.monitor().health(laptop.id()));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(desktop.id()));
      assertTrue(t.events(dev.fleet.FleetEvent.HealthChanged.class).stream()
          .anyMatch(e -> e.to() == Health.ASLEEP
              && e.reason().endsWith("a laptop going quiet after its owner was idle 10min is taken to be asleep")));
    }
  }

  @Test
  void aDrainDeadlineMovesWhatIsStillRunningExactlyOnTime() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.dispatcher().submit(Task.newBuilder("job").requires("x")
          .reschedule(ReschedulePolicy.constant(Duration.ZERO)).build());
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.fleet.registry().drain(A, Duration.ofMillis(2500));
      passTime(t, Duration.ofSeconds(2), List.of("a", "b"));
      t.advance(Duration.ofMillis(499));
      assertEquals(A, status(t, "job").machine().orElseThrow());
      t.advance(Duration.ofMillis(1));
      assertEquals(B, status(t, "job").machine().orElseThrow());
      assertEquals("attempt 1 on a: drain deadline of a passed", status(t, "job").attempts().get(0).toString());
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A));
    }
  }

  @Test
  void aMachineDrainedForShutdownTakesWorkAgainWhenItComesBack() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().drainForShutdown(A, Duration.ofSeconds(10));
      t.beat("a", 0.1);
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A), "still draining while it shuts down");
      t.advance(Duration.ofSeconds(31));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      t.beat("a", 0.1);
      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
    }
  }

  @Test
  void roleWorkMovesToTheBackupAndFailsBackOnceThePrimaryHasBeenHealthyLongEnough() {
    try (TestFleet t = new TestFleet(b -> b.failbackAfter(Duration.ofSeconds(60)))) {
      t.fleet.registry().register(TestFleet.machine("forge", "primary", "x").withLabel(Machine.LABEL_BACKUP, "spare"));
      t.fleet.registry().register(TestFleet.machine("spare", "standby", "x"));
      t.fleet.registry().register(TestFleet.machine("other", "cron", "x"));
      t.beat("forge", 0.6);
      t.beat("spare", 0.3);
      Task role = Task.newBuilder("r1").requires("x").role("primary").build();
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().plan(role));
      assertEquals(MachineId.of("forge"), d.machine(), "the role wins over a lower load");

      passTime(t, Duration.ofSeconds(31), List.of("spare", "other"));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(MachineId.of("forge")));
      d = (Decision.Dispatched) t.fleet.dispatcher().plan(role);
      assertEquals(MachineId.of("spare"), d.machine());
      assertTrue(d.why().summary().contains("backup for role 'primary'"), d.why().summary());

      t.beat("forge", 0.1);
      passTime(t, Duration.ofSeconds(59), List.of("forge", "spare", "other"));
      assertEquals(MachineId.of("spare"), ((Decision.Dispatched) t.fleet.dispatcher().plan(role)).machine(),
          "no failback before the primary has been healthy for 60 s");
      passTime(t, Duration.ofSeconds(2), List.of("forge", "spare", "other"));
      assertEquals(MachineId.of("forge"), ((Decision.Dispatched) t.fleet.dispatcher().plan(role)).machine());
    }
  }

  @Test
  void aPersonCanMoveQueuedAndRunningWorkAndTheMoveIsExplained() {
    try (TestFleet t = TestFleet.seed()) {
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(
          Task.newBuilder("think").requires("inference").build());
      assertEquals(MachineId.of("m4-mirror"), d.machine());

      Decision.Dispatched moved = t.fleet.dispatcher().reroute(TaskId.of("think"), MachineId.of("m3-forge"));

      assertEquals(2, moved.attempt());
      assertEquals("m3-forge chosen by least-loaded (load 0.45 < 0.80), attempt 2; moved from m4-mirror to m3-forge"
          + " by request; load ceiling not applied", moved.why().summary());
      assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.success()));
      IllegalStateException lacks = assertThrows(IllegalStateException.class,
          () -> t.fleet.dispatcher().reroute(TaskId.of("think"), MachineId.of("gcp-watcher")));
      assertEquals("cannot move task 'think' to gcp-watcher: it lacks 'inference'", lacks.getMessage());
      assertEquals(0.20, t.fleet.registry().get(MachineId.of("m4-mirror")).orElseThrow().effectiveLoad(), 1e-9);
    }
  }

  @Test
  void theTransportReceivesEveryAttemptAndEveryWithdrawalInOrder() {
    List<String> seen = new ArrayList<>();
    InProcessTransport transport = new InProcessTransport();
    try (TestFleet t = new TestFleet(b -> b.transport(transport))) {
      for (String m : List.of("a", "b")) {
        transport.connect(MachineId.of(m), new InProcessTransport.Agent() {
          @Override
          public void assigned(Assignment a) {
            seen.add("assign " + a.task().id() + "#" + a.attempt() + " -> " + a.machine());
          }

          @Override
          public void withdrawn(Assignment a, String reason) {
            seen.add("withdraw " + a.task().id() + "#" + a.attempt() + " from " + a.machine() + ": " + reason);
          }
        });
      }
      t.fleet.dispatcher().submit(Task.newBuilder("q").requires("x").build()); // queued: nobody has x
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.fleet.dispatcher().reroute(TaskId.of("q"), B);
      assertEquals(List.of("assign q#1 -> a", "withdraw q#1 from a: moved from a to b by request", "assign q#2 -> b"),
          seen);
    }
  }

  @Test
  void detectorsAreChosenByNameAndAnUnknownNameListsTheAvailableOnes() {
    try (TestFleet t = new TestFleet(b -> b.failureDetector("phi-accrual"))) {
      assertTrue(t.fleet.describeRules().contains("detector 'phi-accrual'"), t.fleet.describeRules());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Fleets.newBuilder().failureDetector("psychic").build());
    assertEquals("no failure detector is named 'psychic'; available: fixed-timeout, phi-accrual", e.getMessage());
  }
}
