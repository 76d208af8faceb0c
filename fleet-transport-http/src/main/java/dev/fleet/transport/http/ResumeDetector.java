package dev.fleet.transport.http;

import java.time.Duration;

/**
 * Notices from two clocks that the machine was asleep: a suspended machine's monotonic ticker stands still while
 * its wall clock runs on (Linux {@code CLOCK_MONOTONIC}, macOS {@code mach_absolute_time}), so across one
 * heartbeat period the wall clock jumps far past the ticker; and a machine frozen some other way (a VM paused, the
 * process stopped) shows a period that overshot hugely. Either, by at least {@link #threshold()}, is taken as a
 * resumption.
 *
 * <p>Pure arithmetic on the readings it is given, so tests drive it with fake clocks. Confined to one thread (the
 * agent's control thread).
 */
final class ResumeDetector {
  /** The smallest gap taken for sleep: less is a slow heartbeat (a GC pause, a busy machine), not a suspend. */
  static final Duration MIN_GAP = Duration.ofSeconds(5);

  private long periodMillis;
  private boolean started;
  private long lastTickerNanos;
  private long lastWallMillis;

  ResumeDetector(Duration period) {
    period(period);
  }

  /** The period between observations; a new one applies from the next observation. */
  void period(Duration period) {
    this.periodMillis = Math.max(1, period.toMillis());
  }

  /** The unexplained gap at which an observation reports a sleep: 5 s, or three periods if that is longer. */
  Duration threshold() {
    return Duration.ofMillis(Math.max(MIN_GAP.toMillis(), 3 * periodMillis));
  }

  /**
   * Takes one reading of both clocks.
   *
   * @return how long the machine was away since the previous reading, or {@link Duration#ZERO} when nothing
   *     says it was (and on the first reading)
   */
  Duration observe(long tickerNanos, long wallMillis) {
    if (!started) {
      started = true;
      lastTickerNanos = tickerNanos;
      lastWallMillis = wallMillis;
      return Duration.ZERO;
    }
    long tickerMillis = (tickerNanos - lastTickerNanos) / 1_000_000L;
    long wallMillisPassed = wallMillis - lastWallMillis;
    lastTickerNanos = tickerNanos;
    lastWallMillis = wallMillis;
    // A wall clock set back (NTP, a person) is no sleep; only time the ticker did not see counts.
    long unseen = wallMillisPassed - tickerMillis;
    long overshoot = tickerMillis - periodMillis;
    long away = Math.max(unseen, overshoot);
    return away >= threshold().toMillis() ? Duration.ofMillis(away) : Duration.ZERO;
  }

  /** A sleep's length for a log line: "~40s", "~12min", "~3h" (seconds under 2 min, minutes under an hour). */
  static String roughly(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return "~" + s + "s";
    }
    if (s < 3600) {
      return "~" + Math.round(s / 60.0) + "min";
    }
    return "~" + Math.round(s / 3600.0) + "h";
  }
}
