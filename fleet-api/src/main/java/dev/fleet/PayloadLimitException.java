package dev.fleet;

import java.util.Objects;

/**
 * Thrown when a submission is refused for the memory its payload would take: one task's payload is larger than
 * the fleet accepts, or it would take the payload bytes the fleet holds for unfinished tasks over its budget.
 * Nothing is submitted. The message names the sizes and the limit; the accessors give them to a program.
 *
 * <p>Immutable and thread-safe.
 */
public final class PayloadLimitException extends FleetException {
  /** Which limit a submission ran into. */
  public enum Limit {
    /** The largest payload one task may carry. */
    PER_TASK,
    /** The payload bytes held at once for tasks not yet finished. */
    HELD
  }

  /** The refused task; in a batch, the first one that did not fit. */
  private final TaskId task;
  /** Which limit it ran into. */
  private final Limit limit;
  /** The payload bytes the refused submission would have added. */
  private final long payloadBytes;
  /** For {@link Limit#HELD}, the bytes held for unfinished tasks at the refusal; else 0. */
  private final long heldBytes;
  /** The limit that applied, in bytes. */
  private final long maxBytes;

  private PayloadLimitException(String message, TaskId task, Limit limit, long payloadBytes, long heldBytes,
      long maxBytes) {
    super(message);
    this.task = Objects.requireNonNull(task, "task");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.payloadBytes = payloadBytes;
    this.heldBytes = heldBytes;
    this.maxBytes = maxBytes;
  }

  /**
   * The payload of {@code task}, {@code payloadBytes} long, is over the {@code maxBytes} one task may carry.
   *
   * @param task the refused task; not null
   * @param payloadBytes the size of its payload
   * @param maxBytes the most one task's payload may be
   * @return the exception, of {@link Limit#PER_TASK}, with a message naming the sizes, the limit and its setting
   */
  public static PayloadLimitException tooLarge(TaskId task, long payloadBytes, long maxBytes) {
    return new PayloadLimitException("the payload of task '" + task + "' is " + payloadBytes + " bytes; one task's "
        + "payload may be at most " + maxBytes + " bytes (maxPayloadBytes); nothing was submitted", task,
        Limit.PER_TASK, payloadBytes, 0, maxBytes);
  }

  /**
   * Submitting {@code task} would add {@code payloadBytes} (its payload, with those of the tasks before it in the
   * same batch) to the {@code heldBytes} already held for unfinished tasks, over the budget of {@code maxBytes}.
   *
   * @param task the refused task (in a batch, the first that did not fit); not null
   * @param payloadBytes the payload bytes the submission would add
   * @param heldBytes the payload bytes held for unfinished tasks now
   * @param maxBytes the budget for held payload bytes
   * @return the exception, of {@link Limit#HELD}, with a message naming the sizes, the budget and its setting
   */
  public static PayloadLimitException budgetFull(TaskId task, long payloadBytes, long heldBytes, long maxBytes) {
    return new PayloadLimitException("task '" + task + "' was refused: " + payloadBytes + " more payload bytes "
        + "would take the payload bytes held for unfinished tasks from " + heldBytes + " to "
        + (heldBytes + payloadBytes) + ", over the budget of " + maxBytes + " bytes (maxPayloadBytesHeld); nothing "
        + "was submitted. Wait for work to finish (or cancel some), or raise the budget", task, Limit.HELD,
        payloadBytes, heldBytes, maxBytes);
  }

  /**
   * The task that was refused; in a batch, the first one that did not fit.
   *
   * @return its id
   */
  public TaskId task() {
    return task;
  }

  /**
   * Which limit the submission ran into.
   *
   * @return {@link Limit#PER_TASK} or {@link Limit#HELD}
   */
  public Limit limit() {
    return limit;
  }

  /**
   * The payload bytes the refused submission would have added.
   *
   * @return a count of bytes; for a batch, those of the refused task and the tasks before it
   */
  public long payloadBytes() {
    return payloadBytes;
  }

  /**
   * For {@link Limit#HELD}: the payload bytes held for unfinished tasks when it was refused; else 0.
   *
   * @return a count of bytes, 0 or more
   */
  public long heldBytes() {
    return heldBytes;
  }

  /**
   * The limit that applied.
   *
   * @return the per-task maximum or the held budget, in bytes
   */
  public long maxBytes() {
    return maxBytes;
  }
}
