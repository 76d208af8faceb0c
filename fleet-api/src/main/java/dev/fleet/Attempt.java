package dev.fleet;

import java.util.Objects;

/**
 * One dispatch of a task, for its history: where it went and how it ended.
 *
 * <p>Immutable and thread-safe.
 *
 * @param number 1 for the first attempt
 * @param machine where it was sent
 * @param dispatchedAtNanos when, in the fleet ticker's nanoseconds
 * @param ending how it ended, e.g. {@code "m3-forge went offline"}; empty while it runs
 */
public record Attempt(int number, MachineId machine, long dispatchedAtNanos, String ending) {
  /**
   * Checks the components; the record's description says what each means.
   *
   * @param number 1 or more
   * @param machine not null
   * @param dispatchedAtNanos any value: ticker time has no fixed origin and may be negative
   * @param ending not null; empty while it runs
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public Attempt {
    if (number < 1) {
      throw new IllegalArgumentException("attempt number must be >= 1, got " + number);
    }
    Objects.requireNonNull(machine, "machine must not be null");
    Objects.requireNonNull(ending, "ending must not be null");
  }

  @Override
  public String toString() {
    return "attempt " + number + " on " + machine + (ending.isEmpty() ? " (current)" : ": " + ending);
  }
}
