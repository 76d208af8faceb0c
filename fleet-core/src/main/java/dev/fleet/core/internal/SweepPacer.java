package dev.fleet.core.internal;

import dev.fleet.spi.Scheduler;
import java.time.Duration;

/**
 * Books the next heartbeat sweep on the fleet's scheduler, at the earliest time anything asked for.
 *
 * <p>Guarded by the fleet's lock.
 */
final class SweepPacer {
  private final Scheduler scheduler;
  private Runnable sweep;
  private Scheduler.Cancellable booked;
  private long bookedAtNanos = Long.MAX_VALUE;
  private boolean closed;

  SweepPacer(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** What a booked sweep runs; given once, by the fleet that owns this pacer. */
  void runs(Runnable sweep) {
    this.sweep = sweep;
  }

  /** Makes sure a sweep runs no later than {@code at}; a later request than the one booked changes nothing. */
  void noLaterThan(long at, long now) {
    if (closed || (booked != null && at >= bookedAtNanos)) {
      return;
    }
    if (booked != null) {
      booked.cancel();
    }
    bookedAtNanos = at;
    booked = scheduler.schedule(sweep, Duration.ofNanos(Math.max(0, at - now)));
  }

  /** The booked sweep is running: the next request books afresh. */
  void running() {
    booked = null;
    bookedAtNanos = Long.MAX_VALUE;
  }

  /** No sweep runs again. */
  void close() {
    closed = true;
    if (booked != null) {
      booked.cancel();
    }
  }
}
