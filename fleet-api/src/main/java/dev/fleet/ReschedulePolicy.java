package dev.fleet;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens to a task whose machine goes away: how long to wait before the next attempt, and how long
 * to wait for a machine that announced it is asleep before moving the work.
 *
 * <p>The number of attempts is {@link Task#maxAttempts()}; past it the task is dead-lettered. Delays grow
 * from {@code delay} by {@code multiplier} per attempt, up to {@code maxDelay}. Immutable and thread-safe.
 *
 * @param delay wait before the second attempt; zero re-dispatches at once
 * @param multiplier growth per further attempt: 1 for a constant delay, 2 to double each time
 * @param maxDelay the longest wait between attempts
 * @param asleepGrace how long work may wait on an asleep machine before it is moved; zero moves it at
 *     once, {@link #WAIT_FOREVER} never does
 */
public record ReschedulePolicy(Duration delay, double multiplier, Duration maxDelay, Duration asleepGrace) {

  /** An asleep grace that never runs out: the work waits for the machine to wake. */
  public static final Duration WAIT_FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

  /** Retry after 1 s, then 2 s, 4 s, ... up to 1 min; work on an asleep machine moves after 5 min. */
  public static final ReschedulePolicy DEFAULT =
      new ReschedulePolicy(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), Duration.ofMinutes(5));

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param delay not null, not negative
   * @param multiplier finite, 1 or more
   * @param maxDelay not null, at least {@code delay}
   * @param asleepGrace not null, not negative
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public ReschedulePolicy {
    Objects.requireNonNull(delay, "delay must not be null");
    Objects.requireNonNull(maxDelay, "maxDelay must not be null");
    Objects.requireNonNull(asleepGrace, "asleepGrace must not be null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("reschedule delay must not be negative, got " + delay);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("reschedule multiplier must be a finite number >= 1, got " + multiplier);
    }
    if (maxDelay.compareTo(delay) < 0) {
      throw new IllegalArgumentException("reschedule maxDelay " + maxDelay + " must be at least delay " + delay);
    }
    if (asleepGrace.isNegative()) {
      throw new IllegalArgumentException("asleepGrace must not be negative, got " + asleepGrace);
    }
  }

  /**
   * The same wait before every retry, with the default asleep grace.
   *
   * @param delay the wait; not null, not negative, zero to retry at once
   * @return the policy
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is negative; the message names it
   */
  public static ReschedulePolicy constant(Duration delay) {
    return new ReschedulePolicy(delay, 1.0, delay, DEFAULT.asleepGrace);
  }

  /**
   * A wait that doubles from {@code initial} up to {@code max}, with the default asleep grace.
   *
   * @param initial the wait before the first retry; not null, not negative
   * @param max the longest wait; not null, at least {@code initial}
   * @return the policy
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code initial} is negative or {@code max} is shorter; the message names
   *     both
   */
  public static ReschedulePolicy exponential(Duration initial, Duration max) {
    return new ReschedulePolicy(initial, 2.0, max, DEFAULT.asleepGrace);
  }

  /**
   * A copy with another grace for asleep machines.
   *
   * @param grace how long work waits on an asleep machine before it moves; not negative, zero moves it at once,
   *     {@link #WAIT_FOREVER} never does
   * @return the copy; this one is unchanged
   * @throws NullPointerException if {@code grace} is null
   * @throws IllegalArgumentException if {@code grace} is negative; the message names it
   */
  public ReschedulePolicy withAsleepGrace(Duration grace) {
    return new ReschedulePolicy(delay, multiplier, maxDelay, grace);
  }

  /**
   * The wait before attempt {@code next} (2 for the first retry): {@code delay * multiplier^(next - 2)},
   * capped at {@code maxDelay}.
   *
   * @param next the number of the attempt about to be made, 2 or more
   * @return the wait, between zero and {@code maxDelay}
   * @throws IllegalArgumentException if {@code next} is below 2; the message names it
   */
  public Duration delayBefore(int next) {
    if (next < 2) {
      throw new IllegalArgumentException("a retry is attempt 2 or later, got " + next);
    }
    if (delay.isZero()) {
      return Duration.ZERO;
    }
    double nanos = delay.toNanos() * Math.pow(multiplier, next - 2);
    return nanos >= maxDelay.toNanos() ? maxDelay : Duration.ofNanos((long) nanos);
  }
}
