package dev.fleet.transport.http.internal;

/**
 * How fast new machines may join: a token bucket per remote address and one per join token. Reconnects of
 * joined machines with their own credential are not counted here (they are not new machines).
 *
 * <p>Immutable and thread-safe.
 *
 * @param perAddress sustained joins per second from one address
 * @param addressBurst joins one address may make at once
 * @param perToken sustained joins per second with one join token, from all addresses together
 * @param tokenBurst joins one join token may make at once
 */
public record JoinRates(double perAddress, int addressBurst, double perToken, int tokenBurst) {
  /**
   * A burst of 20 joins from one address and 60 with one token, then one a second each: a person setting up
   * machines never meets it, and a join-token holder flooding the fleet adds at most 60 + 1/s machines.
   */
  public static final JoinRates DEFAULT = new JoinRates(1, 20, 1, 60);

  /** @throws IllegalArgumentException naming the setting, if a rate is not a finite number above 0 or a burst is under 1 */
  public JoinRates {
    rate("joinRateLimitPerAddress", perAddress);
    rate("joinRateLimitPerToken", perToken);
    burst("joinRateLimitPerAddress", addressBurst);
    burst("joinRateLimitPerToken", tokenBurst);
  }

  private static void rate(String name, double perSecond) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException(name + " must be a finite number > 0 per second, got " + perSecond);
    }
  }

  private static void burst(String name, int burst) {
    if (burst < 1) {
      throw new IllegalArgumentException(name + " burst must be >= 1, got " + burst);
    }
  }
}
