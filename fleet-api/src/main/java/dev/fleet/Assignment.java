package dev.fleet;

import java.util.Objects;

/**
 * One attempt of a task handed to one machine: what a {@link dev.fleet.spi.Transport} carries to the
 * machine's agent. The agent reports {@code started} and the result with {@link #token()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param task the task
 * @param machine the machine that should run it
 * @param attempt the attempt number, from 1
 * @param token the attempt's token, never 0
 */
public record Assignment(Task task, MachineId machine, int attempt, long token) {
  /**
   * Checks the components; the record's description says what each means.
   *
   * @param task not null
   * @param machine not null
   * @param attempt 1 or more
   * @param token any value but 0
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public Assignment {
    Objects.requireNonNull(task, "task must not be null");
    Objects.requireNonNull(machine, "machine must not be null");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
    if (token == 0) {
      throw new IllegalArgumentException("token must not be 0");
    }
  }

  @Override
  public String toString() {
    return "Assignment[" + task.id() + " attempt " + attempt + " on " + machine + "]";
  }
}
