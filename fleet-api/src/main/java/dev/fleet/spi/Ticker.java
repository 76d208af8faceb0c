package dev.fleet.spi;

/**
 * Fleet's only source of time: a monotonic nanosecond count, as {@link System#nanoTime()}.
 *
 * <p>Implementations must be thread-safe and never go backwards. Tests inject a fake one.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds since an arbitrary fixed origin. */
  long read();

  /** The system's monotonic clock. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}
