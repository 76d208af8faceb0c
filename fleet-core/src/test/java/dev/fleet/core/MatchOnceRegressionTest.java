package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleet.Decision;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The queue is matched once, at the end of an operation, highest priority first across everything it
 * affected: work moved off several machines in one sweep is placed in priority order, not in the order the
 * machines were found down.
 */
class MatchOnceRegressionTest {
  private static Task task(String id, Priority p) {
    return Task.newBuilder(id).requires("x").priority(p).reschedule(ReschedulePolicy.constant(Duration.ZERO)).build();
  }

  private static TaskStatus status(TestFleet t, String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow();
  }

  @Test
  void aSweepThatFindsTwoMachinesOfflineGivesTheFreeMachineToTheHigherPriorityTask() {
    // One task fills c (0.40 + 0.45 >= 0.80), so exactly one of the two moved tasks fits there.
    try (TestFleet t = new TestFleet(b -> b.loadPerTask(0.45))) {
      for (String m : new String[] {"a", "b", "c"}) {
        t.fleet.registry().register(TestFleet.machine(m, "r", "x"));
      }
      t.beat("a", 0.0);
      t.beat("b", 0.1);
      t.beat("c", 0.4);
      // a was registered first, so the sweep finds it down (and moves its LOW task) before b's HIGH one.
      assertEquals(MachineId.of("a"), ((Decision.Dispatched) t.fleet.dispatcher().submit(task("low", Priority.LOW)))
          .machine());
      assertEquals(MachineId.of("b"), ((Decision.Dispatched) t.fleet.dispatcher().submit(task("high", Priority.HIGH)))
          .machine());

      for (int i = 0; i < 20 && status(t, "high").machine().map(MachineId.of("b")::equals).orElse(false); i++) {
        t.advance(Duration.ofSeconds(2));
        t.beat("c", 0.4); // only c keeps talking: a and b go offline together, in one sweep
      }

      assertEquals(TaskState.DISPATCHED, status(t, "high").state(), status(t, "high").why().summary());
      assertEquals(MachineId.of("c"), status(t, "high").machine().orElseThrow());
      assertEquals(TaskState.QUEUED, status(t, "low").state());
    }
  }
}
