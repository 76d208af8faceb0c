package dev.fleet.transport.http;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retry delays after failures: doubling from {@code min} up to {@code max}, with ±20% jitter so a fleet of agents
 * that lost their coordinator together does not come back in step.
 *
 * <p>Immutable and thread-safe.
 */
record Backoff(Duration min, Duration max) {

  /** The delay before the next try after {@code failures} failures in a row. */
  Duration after(int failures) {
    double base = min.toMillis() * Math.pow(2, Math.min(failures, 20));
    double capped = Math.min(base, max.toMillis());
    return Duration.ofMillis(Math.max(1, (long) (capped * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()))));
  }
}
