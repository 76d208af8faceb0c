package dev.fleet.core.internal;

import java.security.SecureRandom;

/**
 * Hands out attempt tokens: distinct, never 0, and not guessable from each other, without
 * allocating or locking beyond the fleet's lock.
 *
 * <p>A counter run through a keyed bijection (the SplitMix64 finaliser over counter XOR a random
 * key), so tokens never repeat within 2^64 attempts. Guarded by the fleet's lock.
 */
final class TokenSource {
  private final long key = new SecureRandom().nextLong();
  private long counter;

  /** Tokens handed out: one per attempt (a skipped 0, once in 2^64, counts too). */
  long issued() {
    return counter;
  }

  long next() {
    long t;
    do {
      t = mix(++counter ^ key);
    } while (t == 0);
    return t;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
