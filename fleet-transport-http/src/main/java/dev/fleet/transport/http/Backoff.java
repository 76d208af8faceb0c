package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retry delays after failures: doubling from {@code min} up to {@code max}, with ±20% jitter so a fleet of agents
 * that lost their coordinator together does not come back in step.
 *
 * <p>Immutable and thread-safe.
 */
record Backoff(Duration min, Duration max) {

  /** The longest Retry-After honoured: a coordinator that asks for more is waited for this long. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  /**
   * The delay before the next try after {@code failures} failures in a row, the last of them {@code why}: at least
   * what the coordinator asked for in a Retry-After (a rate limit, an election under way), up to
   * {@link #MAX_RETRY_AFTER}, so that agents do not knock again before they were told to.
   */
  Duration after(int failures, Throwable why) {
    Duration wait = after(failures);
    Duration asked = retryAfter(why);
    return asked != null && asked.compareTo(wait) > 0 ? asked : wait;
  }

  /** The Retry-After of the refusal behind {@code why}, looking through causes; null if none asked for one. */
  static Duration retryAfter(Throwable why) {
    for (Throwable t = why; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FleetHttpException f && f.retryAfter().isPresent()) {
        Duration d = f.retryAfter().get();
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
      }
    }
    return null;
  }

  /** The delay before the next try after {@code failures} failures in a row. */
  Duration after(int failures) {
    double base = min.toMillis() * Math.pow(2, Math.min(failures, 20));
    double capped = Math.min(base, max.toMillis());
    return Duration.ofMillis(Math.max(1, (long) (capped * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()))));
  }
}
