package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Waiting work whose deadline passes is cancelled at the deadline, not a moment before; placed work never is. */
class DeadlineExpiryTest {
  private static TaskState state(TestFleet t, String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow().state();
  }

  @Test
  void aQueuedTaskIsCancelledExactlyWhenItsDeadlinePasses() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.95);
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(
          Task.newBuilder("late").requires("x").deadline(Duration.ofSeconds(10)).build()));
      t.advance(Duration.ofSeconds(3));
      t.beat("a", 0.95);
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(
          Task.newBuilder("later").requires("x").deadline(Duration.ofSeconds(10)).build()));
      t.advance(Duration.ofMillis(6_999));
      assertEquals(TaskState.QUEUED, state(t, "late"));
      t.advance(Duration.ofMillis(1));
      assertEquals(TaskState.CANCELLED, state(t, "late"));
      assertEquals("deadline of PT10S passed while it waited",
          t.fleet.dispatcher().status(TaskId.of("late")).orElseThrow().why().summary());
      assertEquals(TaskState.QUEUED, state(t, "later"));
      t.advance(Duration.ofSeconds(3));
      assertEquals(TaskState.CANCELLED, state(t, "later"));
      List<String> ends = t.events(FleetEvent.TaskChanged.class).stream()
          .filter(e -> e.to() == TaskState.CANCELLED).map(e -> e.task().value() + " " + e.from()).toList();
      assertEquals(List.of("late QUEUED", "later QUEUED"), ends);
    }
  }

  @Test
  void aTaskPlacedBeforeItsDeadlineIsNotCancelledByIt() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.95);
      t.fleet.dispatcher().submit(Task.newBuilder("w").requires("x").deadline(Duration.ofSeconds(10)).build());
      t.advance(Duration.ofSeconds(2));
      t.beat("a", 0.0);
      assertEquals(TaskState.DISPATCHED, state(t, "w"));
      for (int i = 0; i < 4; i++) {
        t.advance(Duration.ofSeconds(5));
        t.beat("a", 0.1);
      }
      assertEquals(TaskState.DISPATCHED, state(t, "w"));
    }
  }
}
