package dev.fleet.spi;

/**
 * Fleet's only source of time: a monotonic nanosecond count, as {@link System#nanoTime()}.
 *
 * <p>Implementations must be thread-safe and never go backwards. Tests inject a fake one.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * The time now.
   *
   * @return nanoseconds since an arbitrary origin fixed for the ticker's life; not wall-clock time, and may be
   *     negative
   */
  long read();

  /**
   * The system's monotonic clock.
   *
   * @return a ticker reading {@link System#nanoTime()}
   */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}
