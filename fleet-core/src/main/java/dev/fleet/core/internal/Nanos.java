package dev.fleet.core.internal;

import java.time.Duration;

/** Ticker arithmetic that saturates instead of overflowing: user durations may be "forever". */
final class Nanos {
  private Nanos() {}

  /** A user-supplied duration in nanoseconds, Long.MAX_VALUE for anything longer than ~292 years. */
  static long of(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** {@code a + b}, Long.MAX_VALUE where that would overflow. */
  static long plus(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
