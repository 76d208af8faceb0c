package dev.fleet.testing;

import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when a test tells it to, and only forwards.
 *
 * <p><b>A fake ticker on its own moves the clock a fleet reads, but runs nothing.</b> A fleet acts on time
 * (marks a silent machine {@code SUSPECT} and {@code OFFLINE}, retries, snapshots) only when a command booked on
 * its {@link dev.fleet.spi.Scheduler} runs, and the default scheduler runs on real time: after {@code
 * ticker.advance(Duration.ofMinutes(5))} a silent machine is still {@code ONLINE}. To make time act, give the
 * fleet a {@link ManualScheduler} on the same ticker and advance the scheduler instead:
 *
 * <pre>{@code
 * FakeTicker ticker = new FakeTicker();
 * ManualScheduler scheduler = new ManualScheduler(ticker);
 * Fleet fleet = Fleets.newBuilder().ticker(ticker).scheduler(scheduler).build();
 * ...
 * scheduler.advance(Duration.ofSeconds(40)); // moves the ticker and runs each sweep that falls due
 * }</pre>
 *
 * <p>Thread-safe: every method may be called from any thread; readers always see a value that was
 * set, and the value never decreases.
 */
public final class FakeTicker implements Ticker {

  private final AtomicLong nanos;

  /** A ticker reading {@code 0} nanoseconds. */
  public FakeTicker() {
    this(0L);
  }

  /**
   * A ticker reading {@code startNanos}. A non-zero origin catches code that wrongly treats a
   * {@link Ticker} reading as "time since start".
   *
   * @param startNanos the first reading, in nanoseconds; any value, negative included
   */
  public FakeTicker(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  /**
   * The current reading; never less than an earlier one.
   *
   * @return nanoseconds on this ticker's own scale, meaningful only as a difference between two readings
   */
  @Override
  public long read() {
    return nanos.get();
  }

  /**
   * Moves the ticker forward by {@code step}. Runs nothing: see the class comment.
   *
   * @param step how far to move, zero or more
   * @return this ticker, for chaining
   * @throws NullPointerException if {@code step} is null
   * @throws IllegalArgumentException if {@code step} is negative
   * @throws ArithmeticException if the reading would overflow
   */
  public FakeTicker advance(Duration step) {
    Objects.requireNonNull(step, "step");
    if (step.isNegative()) {
      throw new IllegalArgumentException("cannot advance by a negative duration: " + step);
    }
    return advance(step.toNanos());
  }

  /**
   * Moves the ticker forward by {@code stepNanos}. Runs nothing: see the class comment.
   *
   * @param stepNanos how far to move, in nanoseconds, zero or more
   * @return this ticker, for chaining
   * @throws IllegalArgumentException if {@code stepNanos} is negative
   * @throws ArithmeticException if the reading would overflow
   */
  public FakeTicker advance(long stepNanos) {
    if (stepNanos < 0) {
      throw new IllegalArgumentException("cannot advance by a negative amount: " + stepNanos + "ns");
    }
    // addExact rather than wrapping: a wrapped reading would silently run time backwards.
    nanos.updateAndGet(current -> Math.addExact(current, stepNanos));
    return this;
  }

  /**
   * Sets the reading to {@code newNanos}, which may equal but not precede the current reading.
   *
   * @param newNanos the new reading, in nanoseconds
   * @return this ticker, for chaining
   * @throws IllegalArgumentException if {@code newNanos} is before the current reading
   */
  public FakeTicker set(long newNanos) {
    nanos.updateAndGet(
        current -> {
          if (newNanos < current) {
            throw new IllegalArgumentException(
                "a ticker never goes backwards: cannot set it from " + current + "ns to " + newNanos + "ns");
          }
          return newNanos;
        });
    return this;
  }

  /**
   * Moves the reading up to {@code targetNanos} unless it is already there or beyond. Unlike {@link
   * #set}, losing a race to another thread that moved further is not an error.
   */
  void moveForwardTo(long targetNanos) {
    nanos.accumulateAndGet(targetNanos, Math::max);
  }

  @Override
  public String toString() {
    return "FakeTicker[" + read() + "ns]";
  }
}
