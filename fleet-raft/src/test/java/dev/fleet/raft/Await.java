package dev.fleet.raft;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline, for tests that watch real nodes on sockets. */
final class Await {
  private Await() {}

  /** @return how long the condition took to become true */
  static Duration until(Duration limit, BooleanSupplier condition, Supplier<String> what) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + limit + ": " + what.get());
      }
      LockSupport.parkNanos(5_000_000L);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
