package dev.fleet;

/**
 * Where a task is in its life: {@code QUEUED → DISPATCHED (attempt n) → RUNNING → SUCCEEDED | FAILED},
 * with {@code CANCELLED} and {@code REJECTED} possible on the way. A task whose machine is lost goes back
 * to {@code QUEUED} for a new attempt, or to {@code DEAD_LETTERED} when it has had its attempts.
 *
 * <p>Background work whose policy is {@link OwnerReturnPolicy#PAUSE} goes {@code DISPATCHED | RUNNING →
 * PAUSED} when the owner of its machine returns, and back to the state it left, same attempt, when the owner
 * is away again; from {@code PAUSED} it may also finish, be cancelled, or move like running work.
 *
 * <p>Immutable and thread-safe.
 */
public enum TaskState {
  /** Waiting for a machine that fits. */
  QUEUED,
  /** Sent to a machine; not yet confirmed running. */
  DISPATCHED,
  /** The machine confirmed it started. */
  RUNNING,
  /**
   * Background work held on its machine, same attempt, while the machine's owner is active; it resumes there
   * when the owner is away again or quiet hours begin (see {@link OwnerReturnPolicy}).
   */
  PAUSED,
  /** Finished and the result was accepted. */
  SUCCEEDED,
  /** Finished with a failure result. */
  FAILED,
  /** Cancelled by a caller, or its deadline passed while it waited. */
  CANCELLED,
  /** Refused at submission (for example the queue was full). */
  REJECTED,
  /** Lost its machine on every attempt it was allowed; its status keeps the history. */
  DEAD_LETTERED;

  /**
   * Whether the task will not change again.
   *
   * @return true for {@link #SUCCEEDED}, {@link #FAILED}, {@link #CANCELLED}, {@link #REJECTED} and
   *     {@link #DEAD_LETTERED}
   */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == REJECTED || this == DEAD_LETTERED;
  }
}
