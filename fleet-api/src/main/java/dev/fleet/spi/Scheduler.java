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
   * @param command what to run; never inline, before {@code schedule} returns
   * @param delay how long from now, by the fleet's ticker; zero or more (the fleet never passes a negative one)
   * @return cancelling it prevents the run if it has not started
   */
  Cancellable schedule(Runnable command, Duration delay);

  /** A handle on a scheduled command. Thread-safe. */
  @FunctionalInterface
  interface Cancellable {
    /** Prevents the run if it has not started; does nothing otherwise, or when called again. */
    void cancel();
  }
}
