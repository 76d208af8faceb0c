package dev.fleet.spi;

import java.time.Duration;

/**
 * Runs a command once after a delay; how Fleet wakes itself for heartbeat sweeps and retries.
 *
 * <p>Implementations must be thread-safe. The command must run off the caller's thread or later, never
 * inline. Tests inject a manual one and advance it by hand.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Schedules {@code command} to run once after {@code delay}.
   *
   * @return cancelling it prevents the run if it has not started
   */
  Cancellable schedule(Runnable command, Duration delay);

  /** A handle on a scheduled command. Thread-safe. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
