package dev.fleet;

import java.util.Objects;

/**
 * What a machine reports when a task attempt ends.
 *
 * <p>Immutable and thread-safe.
 *
 * @param succeeded whether the work succeeded
 * @param output what the work produced, opaque to Fleet
 * @param message a short line for people, e.g. an error
 */
public record TaskResult(boolean succeeded, Payload output, String message) {
  /**
   * Checks the components; the record's description says what each means.
   *
   * @param succeeded any
   * @param output not null; {@link Payload#EMPTY} for none
   * @param message not null, at most 2000 characters; empty for none
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public TaskResult {
    Objects.requireNonNull(output, "output must not be null (use Payload.EMPTY)");
    Checks.text("result message", message, 2000);
  }

  /**
   * Success with no output and no message.
   *
   * @return the result
   */
  public static TaskResult success() {
    return new TaskResult(true, Payload.EMPTY, "");
  }

  /**
   * Success with output.
   *
   * @param output what the work produced; not null
   * @return the result
   * @throws NullPointerException if {@code output} is null
   */
  public static TaskResult success(Payload output) {
    return new TaskResult(true, output, "");
  }

  /**
   * Failure with a line saying why, and no output. The task ends {@link TaskState#FAILED}; it is not retried.
   *
   * @param message for people, e.g. the error; not null, at most 2000 characters
   * @return the result
   * @throws NullPointerException if {@code message} is null
   * @throws IllegalArgumentException if it is longer than 2000 characters
   */
  public static TaskResult failure(String message) {
    return new TaskResult(false, Payload.EMPTY, message);
  }
}
