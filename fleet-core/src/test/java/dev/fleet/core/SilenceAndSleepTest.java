package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How long a machine was silent when it is judged, and how long asleep work waits before it moves. */
class SilenceAndSleepTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  @Test
  void aSilentMachineIsJudgedSuspectThenOfflineAtTheTimeoutsAndTheReasonSaysHowLongItWasSilent() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.0);
      t.advance(Duration.ofMillis(14_999));
      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
      t.advance(Duration.ofMillis(1));
      assertEquals(Health.SUSPECT, t.fleet.monitor().health(A));
      t.advance(Duration.ofMillis(14_999));
      assertEquals(Health.SUSPECT, t.fleet.monitor().health(A));
      t.advance(Duration.ofMillis(1));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      List<String> reasons = t.events(FleetEvent.HealthChanged.class).stream().map(e -> e.to() + ": " + e.reason())
          .toList();
      assertEquals(List.of("ONLINE: registered", "SUSPECT: silent for 15.0s >= 15.0s",
          "OFFLINE: silent for 30.0s >= 30.0s"), reasons);
    }
  }

  @Test
  void workOnAnAsleepMachineMovesExactlyWhenItsGraceRunsOutAndWorkThatWaitsForeverStays() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x", "a"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("a", 0.0);
      t.beat("b", 0.5);
      ReschedulePolicy noDelay = ReschedulePolicy.constant(Duration.ZERO);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(
          Task.newBuilder("short").requires("x").reschedule(noDelay.withAsleepGrace(Duration.ofSeconds(10))).build()));
      assertEquals(A, d.machine());
      t.fleet.dispatcher().submit(Task.newBuilder("patient").requires("a")
          .reschedule(noDelay.withAsleepGrace(ReschedulePolicy.WAIT_FOREVER)).build());
      t.fleet.monitor().announceSleep(A);
      t.advance(Duration.ofMillis(9_999));
      t.beat("b", 0.5);
      assertEquals(A, t.fleet.dispatcher().status(TaskId.of("short")).orElseThrow().machine().orElseThrow());
      t.advance(Duration.ofMillis(1));
      var s = t.fleet.dispatcher().status(TaskId.of("short")).orElseThrow();
      assertEquals(B, s.machine().orElseThrow(), s.why().summary());
      assertEquals(TaskState.DISPATCHED, s.state());
      assertEquals("a was asleep for 10s", s.attempts().get(0).ending());
      for (int i = 0; i < 10; i++) {
        t.advance(Duration.ofMinutes(1));
        t.beat("b", 0.5);
      }
      var p = t.fleet.dispatcher().status(TaskId.of("patient")).orElseThrow();
      assertEquals(A, p.machine().orElseThrow());
      assertEquals(1, p.attempt());
      assertEquals(Health.ASLEEP, t.fleet.monitor().health(A));
    }
  }
}
