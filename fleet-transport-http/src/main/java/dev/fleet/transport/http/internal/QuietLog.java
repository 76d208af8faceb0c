package dev.fleet.transport.http.internal;

import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * A log for what a flood repeats: at most one line per quiet period goes out; the occurrences held back in
 * between are counted, and the next line that goes out says how many there were.
 *
 * <p>Thread-safe: the counting is synchronized; a line is handed to its sink outside the lock.
 */
final class QuietLog {
  private final Ticker ticker;
  private final long quietNanos;
  private final Consumer<String> sink;
  private boolean logged;
  private long lastLine;
  private long unlogged;

  /**
   * @param ticker the time source on which the quiet period is measured
   * @param quiet the least time between two lines
   * @param sink where a line goes
   */
  QuietLog(Ticker ticker, Duration quiet, Consumer<String> sink) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    if (quiet.isNegative()) {
      throw new IllegalArgumentException("quiet period must not be negative, got " + quiet);
    }
    this.quietNanos = quiet.toNanos();
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /**
   * Counts one occurrence and, unless a line went out within the quiet period, sends the line {@code line} makes
   * of how many were held back since the last one.
   */
  void offer(LongFunction<String> line) {
    String text;
    synchronized (this) {
      long now = ticker.read();
      if (logged && now - lastLine < quietNanos) {
        unlogged++;
        return;
      }
      text = line.apply(unlogged);
      logged = true;
      lastLine = now;
      unlogged = 0;
    }
    sink.accept(text);
  }

  /** The quiet period in whole seconds, for the line that says it. */
  long quietSeconds() {
    return Duration.ofNanos(quietNanos).toSeconds();
  }
}
