package dev.fleet.core.internal;

import dev.fleet.Payload;
import dev.fleet.PayloadLimitException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The memory a fleet gives payloads: the largest payload of one task, and the payload bytes it holds at once for
 * tasks not yet finished ({@link LiveTasks}). The queue's bound counts tasks, not bytes; this keeps a client from
 * filling the heap with a few hundred large payloads. Tasks the journal restores count too, even past the budget
 * (an operator may have lowered it): they were accepted once, and new submissions wait until enough of them end.
 *
 * <p>Immutable and thread-safe; its checks are called under the fleet's lock with what the ledger holds.
 *
 * @param maxPayloadBytes the largest payload one task may carry, at most {@link Payload#MAX_BYTES}
 * @param maxHeldBytes the payload bytes held at once for unfinished tasks
 */
public record PayloadBudget(int maxPayloadBytes, long maxHeldBytes) {
  /** What a fleet allows unless told otherwise: any valid payload, and 256 MiB held. */
  public static final PayloadBudget DEFAULT = new PayloadBudget(Payload.MAX_BYTES, 256L << 20);

  public PayloadBudget {
    if (maxPayloadBytes < 0 || maxPayloadBytes > Payload.MAX_BYTES) {
      throw new IllegalArgumentException("maxPayloadBytes must be in [0, " + Payload.MAX_BYTES + "], got "
          + maxPayloadBytes);
    }
    if (maxHeldBytes < 0) {
      throw new IllegalArgumentException("maxPayloadBytesHeld must be >= 0, got " + maxHeldBytes);
    }
  }

  /**
   * Refuses a new submission whose payload is too large, or would take {@code held} over the budget.
   *
   * @throws PayloadLimitException naming the sizes and the limit
   */
  void admit(Task task, long held) {
    int size = perTask(task);
    if (size > 0 && held + size > maxHeldBytes) {
      throw PayloadLimitException.budgetFull(task.id(), size, held, maxHeldBytes);
    }
  }

  /**
   * Refuses a batch, before any of it is submitted, if one of its new tasks is too large or all of them together
   * would take {@code held} over the budget; the task named is the first that does not fit. Tasks the fleet knows
   * already ({@code isNew} false), and repeats within the batch of an id or an idempotency key, add nothing.
   *
   * @throws PayloadLimitException naming the task, the sizes and the limit
   */
  void admitAll(List<Task> tasks, long held, Predicate<Task> isNew) {
    Set<TaskId> ids = new HashSet<>();
    Set<String> keys = new HashSet<>();
    long adding = 0;
    for (Task t : tasks) {
      if (!ids.add(t.id()) || (t.idempotencyKey().isPresent() && !keys.add(t.idempotencyKey().get()))
          || !isNew.test(t)) {
        continue;
      }
      int size = perTask(t);
      if (size > 0 && held + adding + size > maxHeldBytes) {
        throw PayloadLimitException.budgetFull(t.id(), adding + size, held, maxHeldBytes);
      }
      adding += size;
    }
  }

  private int perTask(Task task) {
    int size = task.payload().size();
    if (size > maxPayloadBytes) {
      throw PayloadLimitException.tooLarge(task.id(), size, maxPayloadBytes);
    }
    return size;
  }
}
