package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Payload;
import dev.fleet.PayloadLimitException;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.testing.MemoryJournal;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The payload memory budget: one task's payload is capped, and so are the payload bytes held for unfinished tasks;
 * a refusal names the sizes and the limit and stores nothing, and a task's bytes are freed however it ends.
 */
class PayloadBudgetTest {
  private static final int PER_TASK = 1_000;
  private static final long HELD = 3_000;

  private static TestFleet fleet() {
    return fleet(b -> {});
  }

  private static TestFleet fleet(Consumer<FleetBuilder> more) {
    return new TestFleet(b -> {
      b.maxPayloadBytes(PER_TASK).maxPayloadBytesHeld(HELD);
      more.accept(b);
    });
  }

  private static Task task(String id, int bytes) {
    return Task.newBuilder(id).requires("cpu").payload(new Payload(new byte[bytes], "application/octet-stream"))
        .build();
  }

  private static Decision submit(TestFleet t, String id, int bytes) {
    return t.fleet.dispatcher().submit(task(id, bytes));
  }

  private static PayloadLimitException refused(TestFleet t, String id, int bytes) {
    return assertThrows(PayloadLimitException.class, () -> submit(t, id, bytes));
  }

  private static TaskState state(TestFleet t, String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow().state();
  }

  @Test
  void aPayloadOverThePerTaskLimitIsRefusedNamingItsSizeAndTheLimitAndNothingIsStored() {
    try (TestFleet t = fleet()) {
      Task big = Task.newBuilder("big").payload(new Payload(new byte[PER_TASK + 1], "application/octet-stream"))
          .idempotencyKey("k").build();
      PayloadLimitException e = assertThrows(PayloadLimitException.class, () -> t.fleet.dispatcher().submit(big));
      assertEquals(PayloadLimitException.Limit.PER_TASK, e.limit());
      assertEquals(TaskId.of("big"), e.task());
      assertEquals(PER_TASK + 1, e.payloadBytes());
      assertEquals(PER_TASK, e.maxBytes());
      assertTrue(e.getMessage().contains("1001 bytes") && e.getMessage().contains("at most 1000 bytes"),
          e.getMessage());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("big")).isEmpty(), "nothing is remembered of it");
      assertTrue(t.fleet.dispatcher().tasks().isEmpty());
      // Its idempotency key was not taken: a smaller task with the same key is a new submission.
      Task small = Task.newBuilder("small").payload(Payload.text("ok", "text/plain")).idempotencyKey("k").build();
      assertEquals(TaskId.of("small"), t.fleet.dispatcher().submit(small).task().id());
      // Exactly the limit is accepted.
      assertInstanceOf(Decision.Queued.class, submit(t, "exact", PER_TASK));
      // A dry run says the same as a submission would.
      assertThrows(PayloadLimitException.class, () -> t.fleet.dispatcher().plan(big));
    }
  }

  @Test
  void submissionsBeyondTheHeldBudgetAreRefusedUntilWorkEnds() {
    try (TestFleet t = fleet()) {
      for (int i = 0; i < 3; i++) {
        assertInstanceOf(Decision.Queued.class, submit(t, "q" + i, PER_TASK));
      }
      PayloadLimitException e = refused(t, "q3", 1);
      assertEquals(PayloadLimitException.Limit.HELD, e.limit());
      assertEquals(HELD, e.heldBytes());
      assertEquals(HELD, e.maxBytes());
      assertEquals(1, e.payloadBytes());
      assertTrue(e.getMessage().contains("from 3000 to 3001, over the budget of 3000 bytes"), e.getMessage());
      assertTrue(e.getMessage().contains("Wait for work to finish"), e.getMessage());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("q3")).isEmpty());
      // A task without a payload takes no payload memory and is never refused for it.
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(Task.newBuilder("empty").build()));
      // A repeat of a task already held is answered with its decision, not refused.
      assertInstanceOf(Decision.Queued.class, submit(t, "q0", PER_TASK));
      t.fleet.dispatcher().cancel(TaskId.of("q0"));
      assertInstanceOf(Decision.Queued.class, submit(t, "q3", PER_TASK));
      refused(t, "q4", 1);
    }
  }

  @Test
  void bytesAreFreedWhenATaskSucceedsFailsOrIsDeadLettered() {
    try (TestFleet t = fleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.0);
      Decision.Dispatched ok = assertInstanceOf(Decision.Dispatched.class, submit(t, "ok", PER_TASK));
      Decision.Dispatched bad = assertInstanceOf(Decision.Dispatched.class, submit(t, "bad", PER_TASK));
      assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(
          Task.newBuilder("lost").requires("cpu").payload(new Payload(new byte[PER_TASK], "application/x-lost"))
              .maxAttempts(1).reschedule(ReschedulePolicy.DEFAULT).build()));
      refused(t, "more", 1); // dispatched work holds its payload: a lost attempt needs it again
      t.fleet.dispatcher().complete(ok.task().id(), ok.token(), TaskResult.success());
      submit(t, "after-ok", PER_TASK);
      refused(t, "more", 1);
      t.fleet.dispatcher().complete(bad.task().id(), bad.token(), TaskResult.failure("no"));
      assertEquals(TaskState.FAILED, state(t, "bad"));
      t.fleet.dispatcher().cancel(TaskId.of("after-ok"));
      submit(t, "after-bad", PER_TASK);
      submit(t, "after-cancel", PER_TASK);
      refused(t, "more", 1);
      // The machine goes silent: its last attempts are lost, "lost" has none left and is dead-lettered.
      t.advance(Duration.ofSeconds(40));
      assertEquals(TaskState.DEAD_LETTERED, state(t, "lost"));
      submit(t, "after-lost", PER_TASK);
      refused(t, "more", 1);
    }
  }

  @Test
  void aQueuedTaskWhoseDeadlinePassesFreesItsBytes() {
    try (TestFleet t = fleet()) {
      t.fleet.dispatcher().submit(Task.newBuilder("late").payload(new Payload(new byte[PER_TASK], "text/plain"))
          .requires("cpu").deadline(Duration.ofSeconds(10)).build());
      submit(t, "q1", PER_TASK);
      submit(t, "q2", PER_TASK);
      refused(t, "more", PER_TASK);
      t.advance(Duration.ofSeconds(11));
      assertEquals(TaskState.CANCELLED, state(t, "late"));
      assertInstanceOf(Decision.Queued.class, submit(t, "more", PER_TASK));
    }
  }

  @Test
  void aBatchThatWouldGoOverTheBudgetIsRefusedWholeNamingTheFirstTaskThatDoesNotFit() {
    try (TestFleet t = fleet()) {
      submit(t, "held", PER_TASK);
      List<Task> batch = List.of(task("b0", PER_TASK), task("b0", PER_TASK), task("held", PER_TASK),
          task("b1", PER_TASK), task("b2", 1));
      PayloadLimitException e = assertThrows(PayloadLimitException.class,
          () -> t.fleet.dispatcher().submitAll(batch));
      assertEquals(TaskId.of("b2"), e.task());
      assertEquals(2 * PER_TASK + 1, e.payloadBytes(), "b0 once (its repeat and the known task add nothing), b1, b2");
      assertEquals(1, t.fleet.dispatcher().tasks().size(), "none of the batch was submitted");
      assertEquals(4, t.fleet.dispatcher().submitAll(batch.subList(0, 4)).size());
      assertEquals(3, t.fleet.dispatcher().tasks().size());
      PayloadLimitException tooBig = assertThrows(PayloadLimitException.class,
          () -> t.fleet.dispatcher().submitAll(List.of(task("small", 0), task("huge", PER_TASK + 1))));
      assertEquals(PayloadLimitException.Limit.PER_TASK, tooBig.limit());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("small")).isEmpty());
    }
  }

  @Test
  void tasksRestoredFromTheJournalCountAgainstTheBudgetEvenPastALoweredOne() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = new TestFleet(b -> b.journal(journal))) {
      submit(t, "r0", PER_TASK);
      submit(t, "r1", PER_TASK);
      submit(t, "done", PER_TASK);
      t.fleet.dispatcher().cancel(TaskId.of("done"));
    }
    MemoryJournal second = journal.crash();
    try (TestFleet t = fleet(b -> b.journal(second))) {
      assertEquals(TaskState.QUEUED, state(t, "r0"));
      submit(t, "r2", PER_TASK); // 2,000 restored + 1,000: exactly the budget; the cancelled one holds nothing
      PayloadLimitException e = refused(t, "r3", 1);
      assertEquals(HELD, e.heldBytes());
    }
    try (TestFleet t = new TestFleet(b -> b.journal(second.crash()).maxPayloadBytesHeld(1_500))) {
      assertEquals(TaskState.QUEUED, state(t, "r2"), "restored though they are over the lowered budget");
      PayloadLimitException e = refused(t, "r3", 1);
      assertEquals(3 * PER_TASK, e.heldBytes());
      t.fleet.dispatcher().cancel(TaskId.of("r0"));
      t.fleet.dispatcher().cancel(TaskId.of("r1"));
      refused(t, "r3", 501);
      assertInstanceOf(Decision.Queued.class, submit(t, "r3", 500));
    }
  }

  @Test
  void finishedTasksAreForgottenOldestFirstOnceTheirPayloadsAndOutputsPassTheBudget() {
    try (TestFleet t = fleet()) {
      // Submitting and cancelling in a loop frees the budget each time; what is kept for status must not grow.
      for (int i = 0; i < 6; i++) {
        submit(t, "f" + i, PER_TASK);
        t.fleet.dispatcher().cancel(TaskId.of("f" + i));
      }
      for (int i = 0; i < 3; i++) {
        assertTrue(t.fleet.dispatcher().status(TaskId.of("f" + i)).isEmpty(), "f" + i + " is forgotten");
      }
      for (int i = 3; i < 6; i++) {
        assertEquals(TaskState.CANCELLED, state(t, "f" + i));
      }
      // A result's output counts too.
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.0);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, submit(t, "out", 0));
      t.fleet.dispatcher().complete(d.task().id(), d.token(),
          TaskResult.success(new Payload(new byte[2_000], "application/octet-stream")));
      assertEquals(TaskState.SUCCEEDED, state(t, "out"));
      assertEquals(TaskState.CANCELLED, state(t, "f5"));
      assertTrue(t.fleet.dispatcher().status(TaskId.of("f4")).isEmpty(), "2,000 + 1,000 bytes fill the budget");
      // A forgotten task's id may be used again.
      assertInstanceOf(Decision.Dispatched.class, submit(t, "f0", PER_TASK));
    }
  }

  @Test
  void theLimitsAreCheckedWhenTheFleetIsBuilt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Fleets.newBuilder().maxPayloadBytes(Payload.MAX_BYTES + 1));
    assertTrue(e.getMessage().contains(String.valueOf(Payload.MAX_BYTES + 1)), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Fleets.newBuilder().maxPayloadBytesHeld(-1));
    assertTrue(e.getMessage().contains("maxPayloadBytesHeld must be >= 0, got -1"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> Fleets.newBuilder().maxPayloadBytes(1).maxPayloadBytes(2));
  }

  @Test
  void theNewestFinishedTaskIsKeptEvenWhenItAloneIsOverTheByteLimitOfFinishedTasks() {
    try (TestFleet t = fleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.1);
      Task big = Task.newBuilder("big").requires("x").payload(Payload.text("p".repeat(PER_TASK), "text/plain")).build();
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(big));
      t.fleet.dispatcher().complete(big.id(), d.token(),
          TaskResult.success(Payload.text("o".repeat((int) HELD), "text/plain")));
      assertEquals(TaskState.SUCCEEDED, t.fleet.dispatcher().status(big.id()).orElseThrow().state(),
          "4000 bytes against a limit of 3000, and still kept: it is the newest");
    }
  }
}
