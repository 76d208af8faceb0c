package dev.fleet.core.internal;

import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.Candidates;
import dev.fleet.spi.PlacementStrategy;

/**
 * The power of two choices: samples two eligible candidates and takes the less loaded, O(1) whatever
 * the fleet's size. Samples are drawn from a hash of the task's id, so the same task in the same fleet
 * gets the same machine.
 *
 * <p>If a few draws find nothing eligible (a mostly full fleet), it falls back to the index's least
 * loaded machine, so it never leaves a task waiting that could run. Stateless and thread-safe.
 */
public final class PowerOfTwo implements PlacementStrategy {
  public static final PowerOfTwo INSTANCE = new PowerOfTwo();
  private static final int DRAWS = 8;

  private PowerOfTwo() {}

  @Override
  public String name() {
    return "power-of-two";
  }

  @Override
  public Candidate select(Task task, Candidates candidates) {
    int n = candidates.size();
    if (n == 0) {
      return null;
    }
    long h = mix(task.id().value().hashCode() * 0x9E3779B97F4A7C15L + task.maxAttempts());
    Candidate first = null;
    for (int i = 0; i < DRAWS; i++) {
      h = mix(h + i);
      Candidate c = candidates.get((int) Long.remainderUnsigned(h, n));
      if (!candidates.eligible(c)) {
        continue;
      }
      if (first == null) {
        first = c;
      } else if (c != first) {
        return c.load() < first.load()
            || (c.load() == first.load() && c.registrationOrder() < first.registrationOrder()) ? c : first;
      }
    }
    return first != null ? first : candidates.leastLoaded();
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  @Override
  public String describe() {
    return "two of them are sampled and the less loaded wins, at a cost that does not grow with the fleet"
        + " (strategy 'power-of-two')";
  }
}
