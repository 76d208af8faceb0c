package dev.fleet.transport.http.internal;

/**
 * A token bucket: {@code burst} requests at once, refilled at {@code perSecond}, timed by ticker readings
 * passed in by the caller.
 *
 * <p>Thread-safe: every method is synchronized.
 */
public final class TokenBucket {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  public TokenBucket(double perSecond, int burst, long nowNanos) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate must be a finite number > 0 per second, got " + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be >= 1, got " + burst);
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /**
   * Takes one token if there is one.
   *
   * @return 0 if a token was taken, else the nanoseconds until one will be available
   */
  public synchronized long tryTake(long nowNanos) {
    if (nowNanos > lastNanos) {
      tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
      lastNanos = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) / perNano);
  }

  /** Whether the bucket is full as of {@code nowNanos}, so forgetting it loses nothing. */
  public synchronized boolean isFull(long nowNanos) {
    return tokens + Math.max(0, nowNanos - lastNanos) * perNano >= burst;
  }
}
