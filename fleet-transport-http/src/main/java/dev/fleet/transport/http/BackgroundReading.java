package dev.fleet.transport.http;

import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * A value that is slow or unsafe to compute on the agent's heartbeat thread (it runs a system command), kept
 * fresh in the background: {@link #latest()} never waits, it returns what the last run found while that is
 * recent enough and starts a new run once it is old. One run at a time; each run's command has its own time
 * limit, so a hung command delays only the next value, never a heartbeat.
 *
 * <p>Thread-safe.
 */
final class BackgroundReading<T> {
  /** Daemon threads that end after a minute without work, shared by every probe. */
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fleet-probe");
    t.setDaemon(true);
    return t;
  });

  private final String what;
  private final Callable<T> source;
  private final long refreshAfterNanos;
  private final long maxAgeNanos;
  private final Ticker ticker;

  private T value;
  private long valueAtNanos;
  private Exception failure;
  private long failedAtNanos;
  private boolean running;
  private int runs;

  /**
   * @param what names the value in errors, e.g. {@code "pmset -g batt"}
   * @param refreshAfter age at which a new run starts
   * @param maxAge age after which the last value is no longer returned
   */
  BackgroundReading(String what, Callable<T> source, Duration refreshAfter, Duration maxAge, Ticker ticker) {
    this.what = Objects.requireNonNull(what, "what");
    this.source = Objects.requireNonNull(source, "source");
    if (refreshAfter.isNegative() || maxAge.compareTo(refreshAfter) < 0) {
      throw new IllegalArgumentException("need 0 <= refreshAfter <= maxAge, got " + refreshAfter + " and " + maxAge);
    }
    this.refreshAfterNanos = refreshAfter.toNanos();
    this.maxAgeNanos = maxAge.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * The last value found, if it is younger than the maximum age; starts a run in the background when there is
   * none yet or it is old. Never waits for a run.
   *
   * @throws IllegalStateException naming the value and why, when the last run failed and no recent value is left
   */
  synchronized Optional<T> latest() {
    long now = ticker.read();
    boolean stale = value == null || now - valueAtNanos >= refreshAfterNanos;
    boolean failedRecently = failure != null && now - failedAtNanos < refreshAfterNanos;
    if (stale && !running && !failedRecently) {
      start();
    }
    if (value != null && now - valueAtNanos <= maxAgeNanos) {
      return Optional.of(value);
    }
    if (failure != null) {
      throw new IllegalStateException(what + " failed: " + failure.getMessage(), failure);
    }
    return Optional.empty();
  }

  /**
   * Like {@link #latest()}, but when no run has finished yet waits up to {@code limit} for the first one: for
   * start-up, so the first heartbeat has a value.
   */
  synchronized Optional<T> awaitFirst(Duration limit) {
    if (runs == 0 && !running) {
      start();
    }
    long waited = 0;
    long limitMillis = limit.toMillis();
    long step = 10;
    while (runs == 0 && waited < limitMillis) {
      try {
        wait(step); // woken by the run's end; the bounded steps only cap the total wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      waited += step;
    }
    return latest();
  }

  private void start() {
    running = true;
    try {
      THREADS.execute(this::run);
    } catch (RejectedExecutionException e) {
      running = false;
    }
  }

  private void run() {
    T v = null;
    Exception err = null;
    try {
      v = Objects.requireNonNull(source.call(), "the reading was null");
    } catch (Exception e) {
      err = e;
    }
    synchronized (this) {
      long now = ticker.read();
      if (err == null) {
        value = v;
        valueAtNanos = now;
        failure = null;
      } else {
        failure = err;
        failedAtNanos = now;
      }
      running = false;
      runs++;
      notifyAll();
    }
  }

  @Override
  public String toString() {
    return what;
  }
}
