package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A new submission competes with the work already waiting for the same capabilities, and counts against the limit. */
class QueueOrderAtSubmitTest {
  private static TaskState state(TestFleet t, String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow().state();
  }

  @Test
  void waitingWorkThatAgedAheadOfANewUrgentTaskTakesTheRoomFirst() {
    try (TestFleet t = new TestFleet(b -> b.agingStep(Duration.ofSeconds(1)))) {
      t.fleet.registry().register(TestFleet.machine("m", "r", "x"));
      t.beat("m", 0.85);
      assertInstanceOf(Decision.Queued.class,
          t.fleet.dispatcher().submit(Task.newBuilder("old").requires("x").build())); // 0.85 >= 0.80
      t.advance(Duration.ofSeconds(3)); // aged from normal past high to urgent: its ceiling is 0.95 now
      t.beat("m", 0.85);
      assertEquals(TaskState.QUEUED, state(t, "old")); // nothing re-matched it: the load did not fall
      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("new").requires("x").priority(Priority.URGENT).build());
      assertInstanceOf(Decision.Queued.class, d, d.toString());
      assertEquals(TaskState.DISPATCHED, state(t, "old"));
      assertEquals(MachineId.of("m"), t.fleet.dispatcher().status(TaskId.of("old")).orElseThrow().machine()
          .orElseThrow());
      assertEquals(1, t.fleet.dispatcher().queue().size());
    }
  }

  @Test
  void aNewTaskAheadOfEverythingWaitingIsPlacedAtOnce() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("m", "r", "x"));
      t.beat("m", 0.85);
      t.fleet.dispatcher().submit(Task.newBuilder("low").requires("x").priority(Priority.LOW).build());
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class,
          t.fleet.dispatcher().submit(Task.newBuilder("u").requires("x").priority(Priority.URGENT).build()));
      assertEquals(MachineId.of("m"), d.machine());
      assertEquals(TaskState.QUEUED, state(t, "low"));
    }
  }

  @Test
  void theQueueLimitCountsWorkWaitingOutARescheduleDelay() {
    try (TestFleet t = new TestFleet(b -> b.maxQueuedTasks(2))) {
      t.fleet.registry().register(TestFleet.machine("m", "r", "x"));
      t.beat("m", 0.0);
      t.fleet.dispatcher().submit(Task.newBuilder("d").requires("x").maxAttempts(3)
          .reschedule(ReschedulePolicy.constant(Duration.ofHours(1))).build());
      t.fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("m"), 0, 0.95)); // a new agent run: the attempt is lost
      assertEquals(TaskState.QUEUED, state(t, "d"));
      assertTrue(t.fleet.dispatcher().queue().stream().noneMatch(s -> s.id().equals(TaskId.of("q1"))));
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(Task.newBuilder("q1").requires("x").build()));
      Decision r = t.fleet.dispatcher().submit(Task.newBuilder("q2").requires("x").build());
      assertInstanceOf(Decision.Rejected.class, r);
      assertTrue(((Decision.Rejected) r).why().summary().contains("(2 tasks waiting, at most 2)"),
          ((Decision.Rejected) r).why().summary());
    }
  }
}
