package dev.fleet;

/** Base of the exceptions Fleet throws for requests it cannot carry out; the message says why. */
public class FleetException extends RuntimeException {
  public FleetException(String message) {
    super(message);
  }

  public FleetException(String message, Throwable cause) {
    super(message, cause);
  }
}
