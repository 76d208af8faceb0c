package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.spi.FailureDetector;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Liveness bugs the fleet simulator found, each pinned by a small hand-driven case. */
class LivenessRegressionTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  private static TestFleet twoMachines() {
    TestFleet t = new TestFleet();
    t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
    t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
    t.fleet.monitor().heartbeat(Heartbeat.of(A, 0, 0.0));
    t.fleet.monitor().heartbeat(Heartbeat.of(B, 0, 0.5));
    return t;
  }

  @Test
  void aRestartedAgentsLostAttemptMovesAtItsFirstHeartbeat() {
    try (TestFleet t = twoMachines()) {
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(Task.newBuilder("t").requires("x").build());
      assertEquals(A, d.machine());
      t.fleet.dispatcher().started(d.task().id(), d.token());
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 1, 0.1));

      // The agent restarts: heartbeat 0 again. It knows nothing of attempt 1, which must not wait forever.
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 0, 0.0));

      TaskStatus moved = t.fleet.dispatcher().status(d.task().id()).orElseThrow();
      assertEquals(TaskState.QUEUED, moved.state());
      assertEquals("a restarted and lost its work", moved.attempts().get(0).ending());
      t.advance(Duration.ofSeconds(1)); // the default reschedule delay
      TaskStatus again = t.fleet.dispatcher().status(d.task().id()).orElseThrow();
      assertEquals(TaskState.DISPATCHED, again.state());
      assertEquals(B, again.machine().orElseThrow(), "the retry avoids the machine that lost it");
      assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.success()));
    }
  }

  @Test
  void aFirstHeartbeatZeroIsNotARestart() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(Task.newBuilder("t").requires("x").build());

      t.fleet.monitor().heartbeat(Heartbeat.of(A, 0, 0.1));

      assertEquals(TaskState.DISPATCHED, t.fleet.dispatcher().status(d.task().id()).orElseThrow().state());
      assertEquals(1, t.fleet.dispatcher().started(d.task().id(), d.token()).attempt());
    }
  }

  @Test
  void aDrainDeadlineHoldsWhileTheDrainedMachineSleeps() {
    try (TestFleet t = twoMachines()) {
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(Task.newBuilder("t").requires("x").build());
      assertEquals(A, d.machine());
      t.fleet.monitor().announceSleep(A);
      t.fleet.registry().drain(A, Duration.ofSeconds(10));

      t.advance(Duration.ofSeconds(10));

      TaskStatus s = t.fleet.dispatcher().status(d.task().id()).orElseThrow();
      assertEquals("drain deadline of a passed", s.attempts().get(0).ending());
      assertEquals(Health.ASLEEP, t.fleet.monitor().health(A));
      t.advance(Duration.ofSeconds(1));
      assertEquals(B, t.fleet.dispatcher().status(d.task().id()).orElseThrow().machine().orElseThrow());
    }
  }

  @Test
  void phiLeavesTheSilenceOfAnOutageOutOfItsIntervals() {
    FailureDetector.Monitor m = Detectors.phiAccrual(Duration.ofSeconds(3)).newMonitor(0, Duration.ofSeconds(1));
    long now = 0;
    for (int i = 0; i < 100; i++) {
      now += 1_000_000_000L;
      m.heartbeat(now);
    }
    long before = offlineAfter(m, now);
    assertTrue(before > 4_000_000_000L && before < 5_000_000_000L, "about 1 s + 3 s + 5 sigma: " + before);

    now += 60_000_000_000L; // a minute down, then back
    m.heartbeat(now);
    for (int i = 0; i < 10; i++) {
      now += 1_000_000_000L;
      m.heartbeat(now);
    }

    // Had the minute counted as an interval, the deviation would be seconds and this tens of seconds.
    assertEquals(before, offlineAfter(m, now), 50_000_000L);
  }

  /** The silence after the last heartbeat at {@code last} that makes the verdict OFFLINE. */
  private static long offlineAfter(FailureDetector.Monitor m, long last) {
    long suspect = m.nextChange(last);
    assertEquals(Health.SUSPECT, m.verdict(suspect));
    long offline = m.nextChange(suspect);
    assertEquals(Health.OFFLINE, m.verdict(offline));
    return offline - last;
  }

  @Test
  void aDrainDeadlineJustAfterAPeriodicSweepIsKeptToTheNanosecond() {
    try (TestFleet t = twoMachines()) {
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(Task.newBuilder("t").requires("x").build());
      assertEquals(A, d.machine());
      // Due 0.3 ms after a periodic sweep: that sweep must schedule the next one at the deadline itself, not
      // a millisecond later (the simulator found work still on a drained machine 0.67 ms past its deadline).
      long sweepAt = t.scheduler.nextDueNanos().orElseThrow();
      t.advance(Duration.ofNanos(sweepAt - t.ticker.read() - 500_000));
      t.fleet.registry().drain(A, Duration.ofNanos(800_000));
      t.advance(Duration.ofNanos(800_000));
      TaskStatus moved = t.fleet.dispatcher().status(d.task().id()).orElseThrow();
      assertTrue(moved.state() != TaskState.DISPATCHED || !moved.machine().orElseThrow().equals(A),
          () -> "still on the drained machine at its deadline: " + moved);
    }
  }
}
