package dev.fleet;

import java.time.Duration;
import java.util.List;

/**
 * How one capability (or role) was used over a capacity report's window: the figures behind the advice, and a
 * series for a sparkline.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the capability or role
 * @param role whether it names a role
 * @param ceilingShare the share of its machines' online time spent at or over the ceiling, in [0, 1]
 * @param meanQueue the mean number of tasks waiting for it
 * @param finished the tasks needing it that finished in the window
 * @param p95Wait the 95th percentile of their wait before their first attempt
 * @param p95Run the 95th percentile of their last attempt's run time
 * @param series the ceiling share over the part of the window the history covers, oldest first, in equal slices,
 *     each in [0, 1]
 * @param waitSeries the p95 wait of the tasks that finished in each of the same slices (zero for none)
 */
public record CapacityUse(String name, boolean role, double ceilingShare, double meanQueue, long finished,
    Duration p95Wait, Duration p95Run, List<Double> series, List<Duration> waitSeries) {

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param name a name: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit
   * @param role true for a role, false for a capability
   * @param ceilingShare in [0, 1]
   * @param meanQueue finite and not negative
   * @param finished 0 or more
   * @param p95Wait not negative
   * @param p95Run not negative
   * @param series not null, each value in [0, 1]; copied
   * @param waitSeries not null, each value not negative; copied
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public CapacityUse {
    Checks.name("capability", name);
    CapacitySpans.share("ceilingShare of '" + name + "'", ceilingShare);
    if (!(meanQueue >= 0) || Double.isInfinite(meanQueue)) {
      throw new IllegalArgumentException("meanQueue of '" + name + "' must be a finite number >= 0, got " + meanQueue);
    }
    if (finished < 0) {
      throw new IllegalArgumentException("finished of '" + name + "' must be >= 0, got " + finished);
    }
    CapacitySpans.notNegative("p95Wait", p95Wait);
    CapacitySpans.notNegative("p95Run", p95Run);
    series = List.copyOf(series);
    for (Double v : series) {
      CapacitySpans.share("series value of '" + name + "'", v);
    }
    waitSeries = List.copyOf(waitSeries);
    for (Duration d : waitSeries) {
      CapacitySpans.notNegative("waitSeries value of '" + name + "'", d);
    }
  }
}
