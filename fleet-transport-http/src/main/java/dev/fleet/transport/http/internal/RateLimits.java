package dev.fleet.transport.http.internal;

import dev.fleet.spi.Ticker;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link TokenBucket} per caller (credential, or address for callers without one), timed by the fleet's
 * ticker. Buckets that have refilled are forgotten when there are many, so memory stays bounded.
 *
 * <p>Thread-safe.
 */
public final class RateLimits {
  private static final int MAX_BUCKETS = 10_000;

  private final Ticker ticker;
  private final double perSecond;
  private final int burst;
  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  public RateLimits(Ticker ticker, double perSecond, int burst) {
    this.ticker = ticker;
    this.perSecond = perSecond;
    this.burst = burst;
    new TokenBucket(perSecond, burst, 0); // validates the settings now
  }

  /** The time source its buckets are timed by. */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * Counts one request by {@code key}.
   *
   * @throws Problem 429 with a Retry-After if the key is over its rate
   */
  public void charge(String key) {
    long now = ticker.read();
    if (buckets.size() > MAX_BUCKETS) {
      buckets.values().removeIf(b -> b.isFull(now));
    }
    long wait = buckets.computeIfAbsent(key, k -> new TokenBucket(perSecond, burst, now)).tryTake(now);
    if (wait > 0) {
      long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
      throw new Problem(429, "rate-limited", "too many requests from " + key + ": at most " + perSecond
          + " per second (bursts of " + burst + "); retry in " + seconds + " s", seconds);
    }
  }
}
