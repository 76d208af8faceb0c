package dev.fleet;

/**
 * Thrown when a result or progress report carries a token that is not the task's current attempt:
 * the task was moved, cancelled or already finished. Nothing is changed.
 */
public final class StaleAttemptException extends FleetException {
  /**
   * An exception saying which task and token were refused, and why.
   *
   * @param message for people: names the task, the token and what became of the attempt
   */
  public StaleAttemptException(String message) {
    super(message);
  }
}
