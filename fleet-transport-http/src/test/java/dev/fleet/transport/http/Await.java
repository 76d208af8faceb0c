package dev.fleet.transport.http;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline, for tests that watch real processes and sockets. */
final class Await {
  private Await() {}

  static void until(Duration limit, BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + limit + ": " + what.get());
      }
      LockSupport.parkNanos(10_000_000L);
    }
  }
}
