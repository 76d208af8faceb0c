package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The health changes a listener sees as machines register, drain, sleep, wake and leave. */
class HealthEventsTest {
  private static final MachineId A = MachineId.of("a");

  private static List<String> health(TestFleet t) {
    return t.events(FleetEvent.HealthChanged.class).stream()
        .map(e -> e.machine() + " " + e.from() + ">" + e.to() + ": " + e.reason()).toList();
  }

  @Test
  void registeringDrainingAndUndrainingAreEachOneHealthEvent() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.0);
      t.fleet.registry().drain(A, Duration.ofSeconds(30));
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A));
      t.fleet.registry().undrain(A);
      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
      t.fleet.registry().drainForShutdown(A, Duration.ofMinutes(1));
      assertTrue(t.fleet.registry().deregister(A));
      assertEquals(List.of(
          "a LEFT>ONLINE: registered",
          "a ONLINE>DRAINING: drain requested, deadline 30s",
          "a DRAINING>ONLINE: drain ended",
          "a ONLINE>DRAINING: drain for shutdown requested, deadline 1min",
          "a DRAINING>LEFT: deregistered"), health(t));
    }
  }

  @Test
  void aDrainEndedAfterSilenceLeavesTheMachineSuspectNotOnline() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.0);
      t.fleet.registry().drain(A);
      t.advance(Duration.ofSeconds(20)); // past suspectAfter (15s) with no heartbeat
      t.fleet.registry().undrain(A);
      assertEquals(Health.SUSPECT, t.fleet.monitor().health(A));
      String last = health(t).get(health(t).size() - 1);
      assertTrue(last.startsWith("a DRAINING>SUSPECT: drain ended; "), last);
    }
  }

  @Test
  void aDrainMovesItsWorkWhenItsDeadlinePassesNotBefore() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("a", 0.0);
      t.beat("b", 0.5);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class,
          t.fleet.dispatcher().submit(Task.newBuilder("w").requires("x").reschedule(ReschedulePolicy.constant(Duration.ZERO)).build()));
      assertEquals(A, d.machine());
      t.fleet.registry().drain(A, Duration.ofSeconds(10));
      assertEquals(A, t.fleet.dispatcher().status(TaskId.of("w")).orElseThrow().machine().orElseThrow());
      t.advance(Duration.ofSeconds(10));
      t.beat("b", 0.5);
      var s = t.fleet.dispatcher().status(TaskId.of("w")).orElseThrow();
      assertEquals(MachineId.of("b"), s.machine().orElseThrow(), s.why().summary());
      assertEquals(TaskState.DISPATCHED, s.state());
    }
  }

  @Test
  void aMachineThatAnnouncesSleepWakesOnItsNextHeartbeat() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.0);
      t.fleet.monitor().announceSleep(A);
      t.fleet.monitor().announceSleep(A); // already asleep: nothing new
      assertEquals(Health.ASLEEP, t.fleet.monitor().health(A));
      t.advance(Duration.ofMinutes(5));
      t.beat("a", 0.0);
      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
      assertEquals(List.of(
          "a LEFT>ONLINE: registered",
          "a ONLINE>ASLEEP: announced it is going to sleep",
          "a ASLEEP>ONLINE: woke up"), health(t));
    }
  }

  @Test
  void aMachineRegisteredDrainingComesBackDrainingAfterGoingOffline() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"), Health.DRAINING, 0.0);
      t.advance(Duration.ofSeconds(60)); // offline by now
      t.fleet.monitor().sweep(t.ticker.read());
      t.beat("a", 0.0);
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A));
      String last = health(t).get(health(t).size() - 1);
      assertEquals("a OFFLINE>DRAINING: heartbeat received", last);
    }
  }
}
