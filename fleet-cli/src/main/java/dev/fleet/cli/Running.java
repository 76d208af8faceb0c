package dev.fleet.cli;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a long-running command ({@code coordinator}, {@code agent}) alive until the JVM is asked to stop, a time
 * limit passes, or {@link #stopAll()} is called (tests running commands in-process).
 *
 * <p>Thread-safe.
 */
final class Running {
  private static final Set<CountDownLatch> RUNNING = ConcurrentHashMap.newKeySet();

  private Running() {}

  /** Blocks until stopped; {@code limit} null waits without limit. */
  static void untilStopped(Duration limit) {
    CountDownLatch stop = new CountDownLatch(1);
    RUNNING.add(stop);
    Thread hook = new Thread(stop::countDown, "fleet-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (limit == null) {
        stop.await();
      } else {
        stop.await(limit.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      RUNNING.remove(stop);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is stopping: the hook is running or has run
      }
    }
  }

  /**
   * A latch that {@link #stopAll()} counts down, for a command that waits on more than one thing (signals, its
   * agent); hand it back with {@link #forget}.
   */
  static CountDownLatch stopLatch() {
    CountDownLatch stop = new CountDownLatch(1);
    RUNNING.add(stop);
    return stop;
  }

  static void forget(CountDownLatch stop) {
    RUNNING.remove(stop);
  }

  /** Stops every command waiting in {@link #untilStopped}. */
  static void stopAll() {
    RUNNING.forEach(CountDownLatch::countDown);
  }
}
