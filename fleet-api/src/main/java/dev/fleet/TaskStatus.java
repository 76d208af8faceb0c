package dev.fleet;

import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time snapshot of one task: its state, where it runs, and why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param task the task as submitted
 * @param state where it is in its life
 * @param machine the machine of the current or last attempt, if it was ever dispatched
 * @param attempt the number of the current or last attempt, 0 before the first dispatch
 * @param why the latest explanation: why it was placed where it is, or why it waits
 * @param result the accepted result, once there is one
 * @param attempts every dispatch so far, oldest first
 */
public record TaskStatus(
    Task task,
    TaskState state,
    Optional<MachineId> machine,
    int attempt,
    Explanation why,
    Optional<TaskResult> result,
    java.util.List<Attempt> attempts) {

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param task not null
   * @param state not null
   * @param machine not null; empty before the first dispatch
   * @param attempt 0 or more
   * @param why not null
   * @param result not null; empty until a result is accepted
   * @param attempts not null; copied
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public TaskStatus {
    Objects.requireNonNull(task, "task must not be null");
    Objects.requireNonNull(state, "state must not be null");
    Objects.requireNonNull(machine, "machine must not be null");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
    }
    Objects.requireNonNull(why, "why must not be null");
    Objects.requireNonNull(result, "result must not be null");
    attempts = java.util.List.copyOf(attempts);
  }

  /**
   * The task's id.
   *
   * @return {@code task().id()}
   */
  public TaskId id() {
    return task.id();
  }
}
