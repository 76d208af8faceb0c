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
  public TaskResult {
    Objects.requireNonNull(output, "output must not be null (use Payload.EMPTY)");
    Checks.text("result message", message, 2000);
  }

  public static TaskResult success() {
    return new TaskResult(true, Payload.EMPTY, "");
  }

  public static TaskResult success(Payload output) {
    return new TaskResult(true, output, "");
  }

  public static TaskResult failure(String message) {
    return new TaskResult(false, Payload.EMPTY, message);
  }
}
