package dev.fleet.core.internal;

import dev.fleet.spi.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The default {@link Scheduler}: one daemon thread that the fleet owns and stops on close.
 *
 * <p>Thread-safe.
 */
public final class DaemonScheduler implements Scheduler, AutoCloseable {
  private final ScheduledExecutorService executor;

  public DaemonScheduler(String threadName) {
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public Cancellable schedule(Runnable command, Duration delay) {
    ScheduledFuture<?> f = executor.schedule(command, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
