package dev.fleet.transport.http.internal;

import dev.fleet.spi.Ticker;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds joins with the join token to {@link JoinRates}: one token bucket per remote address and one per join
 * token, timed by the fleet's ticker, so a join-token holder cannot fill the fleet with machines in seconds while
 * a join from elsewhere still gets in until the token's own budget is spent. Buckets that have refilled are
 * forgotten when there are many, so memory stays bounded.
 *
 * <p>Thread-safe.
 */
final class JoinLimits {
  private static final int MAX_BUCKETS = 10_000;

  private final Ticker ticker;
  private final JoinRates rates;
  private final ConcurrentHashMap<String, TokenBucket> byAddress = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TokenBucket> byToken = new ConcurrentHashMap<>();

  JoinLimits(Ticker ticker, JoinRates rates) {
    this.ticker = ticker;
    this.rates = rates;
  }

  /**
   * Counts one join with join token {@code token} (its rate key) from {@code address}: the address first, so a
   * flood from one address spends its own budget before the token's.
   *
   * @throws Problem 429 {@code join-rate-limited} with a Retry-After, naming the limit, if either is over its rate
   */
  void charge(String token, String address) {
    long now = ticker.read();
    take(byAddress, address, rates.perAddress(), rates.addressBurst(), now, "from address " + address,
        "joinRateLimitPerAddress");
    take(byToken, token, rates.perToken(), rates.tokenBurst(), now, "with this join token", "joinRateLimitPerToken");
  }

  private static void take(ConcurrentHashMap<String, TokenBucket> buckets, String key, double perSecond, int burst,
      long now, String who, String setting) {
    if (buckets.size() > MAX_BUCKETS) {
      buckets.values().removeIf(b -> b.isFull(now));
    }
    long wait = buckets.computeIfAbsent(key, k -> new TokenBucket(perSecond, burst, now)).tryTake(now);
    if (wait > 0) {
      long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
      throw new Problem(429, "join-rate-limited", "too many joins " + who + ": at most "
          + (perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond))
          + " per second (bursts of "
          + burst + ", " + setting + "); machines that joined reconnect with their credential unaffected; retry in "
          + seconds + " s", seconds);
    }
  }
}
