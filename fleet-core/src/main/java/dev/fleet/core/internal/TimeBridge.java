package dev.fleet.core.internal;

import dev.fleet.spi.Ticker;
import java.time.InstantSource;

/**
 * Converts between the ticker's nanoseconds, which mean nothing to another process, and wall-clock
 * milliseconds, which the journal stores: read both clocks now and carry the difference across.
 *
 * <p>Stateless apart from its two clocks; thread-safe.
 */
final class TimeBridge {
  private final Ticker ticker;
  private final InstantSource wallClock;

  TimeBridge(Ticker ticker, InstantSource wallClock) {
    this.ticker = ticker;
    this.wallClock = wallClock;
  }

  /** A ticker time as wall-clock milliseconds; {@code Long.MAX_VALUE} ("never") stays so. */
  long wall(long nanos) {
    if (nanos == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return wallClock.millis() - Math.floorDiv(ticker.read() - nanos, 1_000_000L);
  }

  /** A wall-clock time in milliseconds as ticker time; {@code Long.MAX_VALUE} ("never") stays so. */
  long nanos(long wallMillis) {
    if (wallMillis == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    long deltaMillis = wallMillis - wallClock.millis();
    // Saturate rather than wrap: a deadline centuries away is "never", one centuries ago is "long past".
    if (deltaMillis > Long.MAX_VALUE / 2_000_000L) {
      return Long.MAX_VALUE;
    }
    if (deltaMillis < Long.MIN_VALUE / 2_000_000L) {
      return Long.MIN_VALUE / 2;
    }
    return ticker.read() + deltaMillis * 1_000_000L;
  }
}
