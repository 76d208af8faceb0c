package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownMachineException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A machine that says goodbye ({@code announceLeave}) is offline at once and its work moves at once, as after an
 * offline verdict but without waiting for the offline timeout; it stays registered and comes back with its next
 * heartbeat, taking work.
 */
class AnnouncedLeaveTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  private static Task task(String id) {
    return Task.newBuilder(id).requires("x").reschedule(ReschedulePolicy.constant(Duration.ZERO)).build();
  }

  private static TaskStatus status(TestFleet t, String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow();
  }

  private static TestFleet twoMachines() {
    TestFleet t = new TestFleet();
    t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
    t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
    t.beat("a", 0.0);
    t.beat("b", 0.5);
    return t;
  }

  @Test
  void itsRunningWorkMovesAtOnceAsANewAttemptAndItIsOfflineWithTheReasonLeft() {
    try (TestFleet t = twoMachines()) {
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(task("w")));
      assertEquals(A, d.machine());
      t.fleet.dispatcher().started(d.task().id(), d.token());
      t.events.clear();

      t.fleet.monitor().announceLeave(A); // no time passes: nothing waits for the offline timeout

      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      TaskStatus s = status(t, "w");
      assertEquals(TaskState.DISPATCHED, s.state(), s.why().summary());
      assertEquals(B, s.machine().orElseThrow());
      assertEquals(2, s.attempt());
      assertEquals("a left", s.attempts().get(0).ending());
      List<FleetEvent.HealthChanged> health = t.events(FleetEvent.HealthChanged.class);
      assertEquals(1, health.size(), health::toString);
      assertEquals(Health.ONLINE, health.get(0).from());
      assertEquals(Health.OFFLINE, health.get(0).to());
      assertEquals("left", health.get(0).reason());
      assertTrue(t.fleet.registry().get(A).isPresent(), "it stays registered");
    }
  }

  @Test
  void itsNextHeartbeatBringsItBackTakingWorkAndADrainForShutdownEndsThen() {
    try (TestFleet t = twoMachines()) {
      t.fleet.registry().drainForShutdown(A, Duration.ofSeconds(30));
      t.fleet.monitor().announceLeave(A);
      t.fleet.monitor().announceLeave(A); // away already: nothing new
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(task("while-away")));
      assertEquals(B, status(t, "while-away").machine().orElseThrow());

      t.beat("a", 0.0);

      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(task("back")));
      assertEquals(A, d.machine(), "the less loaded machine, back and not drained, takes it");
      assertEquals(List.of("a ONLINE>DRAINING", "a DRAINING>OFFLINE", "a OFFLINE>ONLINE"),
          t.events(FleetEvent.HealthChanged.class).stream().filter(e -> e.machine().equals(A))
              .skip(1).map(e -> e.machine() + " " + e.from() + ">" + e.to()).toList());
    }
  }

  @Test
  void aDrainAskedForByAPersonOutlastsTheLeave() {
    try (TestFleet t = twoMachines()) {
      t.fleet.registry().drain(A);
      t.fleet.monitor().announceLeave(A);
      t.beat("a", 0.0);
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A));
    }
  }

  @Test
  void anUnknownMachineIsNamed() {
    try (TestFleet t = twoMachines()) {
      var e = assertThrows(UnknownMachineException.class, () -> t.fleet.monitor().announceLeave(MachineId.of("zz")));
      assertTrue(e.getMessage().contains("zz"), e.getMessage());
    }
  }
}
