package dev.fleet;

/** Base of the exceptions Fleet throws for requests it cannot carry out; the message says why. */
public class FleetException extends RuntimeException {
  /**
   * An exception with a message saying what could not be done and why.
   *
   * @param message for people; names the bad value where there is one
   */
  public FleetException(String message) {
    super(message);
  }

  /**
   * An exception caused by another, e.g. a failed write.
   *
   * @param message for people; names the bad value where there is one
   * @param cause what failed underneath
   */
  public FleetException(String message, Throwable cause) {
    super(message, cause);
  }
}
