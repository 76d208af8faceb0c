package dev.fleet.core.internal;

import dev.fleet.Health;
import dev.fleet.spi.FailureDetector;
import java.time.Duration;
import java.util.Locale;

/**
 * The phi-accrual failure detector (Hayashibara et al. 2004), with the parameters Akka and Pekko use:
 * phi is how unlikely the current silence is given the recent heartbeat intervals, on a log10 scale.
 *
 * <p>Intervals are modelled as a normal distribution over a sliding window, its mean lengthened by the
 * acceptable pause and its deviation floored, and phi approximated with Akka's logistic formula. As in Akka, a
 * silence that had already reached the offline threshold (an outage) is not added to the window. Since phi
 * grows with silence for fixed statistics, each monitor works out once per heartbeat how much silence
 * reaches each threshold, so a verdict is one comparison. Immutable and thread-safe; its monitors are
 * guarded by the fleet.
 */
public final class PhiAccrualDetector implements FailureDetector {
  final double threshold;
  final double suspectThreshold;
  final long acceptablePauseNanos;
  final long minStdDevNanos;
  final int maxSamples;

  /**
   * @param threshold phi at which a machine is offline (Akka: 8.0)
   * @param suspectThreshold phi at which it is suspect, below {@code threshold}
   * @param acceptablePause silence on top of the usual interval that is never held against a machine
   * @param minStdDev floor on the interval deviation, so regular heartbeats do not make it trigger-happy
   * @param maxSamples intervals remembered (Akka: 1,000)
   */
  public PhiAccrualDetector(double threshold, double suspectThreshold, Duration acceptablePause, Duration minStdDev,
      int maxSamples) {
    if (!(threshold > 0) || !(suspectThreshold > 0) || suspectThreshold >= threshold) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "need 0 < suspectThreshold < threshold, got suspectThreshold %s and threshold %s",
          suspectThreshold, threshold));
    }
    if (acceptablePause.isNegative() || minStdDev.isNegative() || minStdDev.isZero()) {
      throw new IllegalArgumentException("acceptablePause must be >= 0 and minStdDev > 0, got " + acceptablePause
          + " and " + minStdDev);
    }
    if (maxSamples < 2) {
      throw new IllegalArgumentException("maxSamples must be >= 2, got " + maxSamples);
    }
    this.threshold = threshold;
    this.suspectThreshold = suspectThreshold;
    this.acceptablePauseNanos = acceptablePause.toNanos();
    this.minStdDevNanos = minStdDev.toNanos();
    this.maxSamples = maxSamples;
  }

  /** Akka's defaults (threshold 8, 100 ms deviation floor, 1,000 samples), suspect at phi 3. */
  public static PhiAccrualDetector withAcceptablePause(Duration acceptablePause) {
    return new PhiAccrualDetector(8.0, 3.0, acceptablePause, Duration.ofMillis(100), 1000);
  }

  @Override
  public String name() {
    return "phi-accrual";
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "a machine is suspect once its silence reaches phi %.1f and offline at phi"
        + " %.1f, where phi measures how unlikely the silence is given its recent heartbeat intervals plus an"
        + " acceptable pause of %s (detector 'phi-accrual')", suspectThreshold, threshold,
        RulesPage.time(Duration.ofNanos(acceptablePauseNanos)));
  }

  @Override
  public Monitor newMonitor(long nowNanos, Duration expectedInterval) {
    return new Intervals(nowNanos, expectedInterval.toNanos());
  }

  /** phi for a silence of {@code t} given mean and deviation, by Akka's logistic approximation. */
  static double phi(double t, double mean, double std) {
    double y = (t - mean) / std;
    double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
    return t > mean ? -Math.log10(e / (1.0 + e)) : -Math.log10(1.0 - 1.0 / (1.0 + e));
  }

  private final class Intervals implements Monitor {
    private final double[] samples = new double[maxSamples];
    private int count;
    private int next;
    private double sum;
    private double sumSquares;
    private long last;
    private boolean heard;
    /** Silence that reaches each threshold, worked out lazily after each heartbeat. */
    private long toSuspect = -1;
    private long toOffline = -1;

    Intervals(long now, long expectedInterval) {
      this.last = now;
      // Akka seeds the window with the expected interval +- a quarter, so the first verdicts are sane.
      double std = expectedInterval / 4.0;
      add(expectedInterval - std);
      add(expectedInterval + std);
    }

    private void add(double interval) {
      if (count == samples.length) {
        double old = samples[next];
        sum -= old;
        sumSquares -= old * old;
      } else {
        count++;
      }
      samples[next] = interval;
      next = (next + 1) % samples.length;
      sum += interval;
      sumSquares += interval * interval;
    }

    @Override
    public void heartbeat(long arrivalNanos) {
      if (heard) {
        long interval = arrivalNanos - last;
        solve();
        // As Akka does: the silence of an outage (a crash, a sleep) is not a heartbeat interval. Kept, it would
        // swell the deviation so much that the next crash took minutes to detect.
        if (interval < toOffline) {
          add(interval);
        }
      }
      heard = true;
      last = arrivalNanos;
      toSuspect = -1;
    }

    private void solve() {
      if (toSuspect >= 0) {
        return;
      }
      double mean = sum / count;
      double variance = Math.max(0, sumSquares / count - mean * mean);
      double std = Math.max(Math.sqrt(variance), minStdDevNanos);
      double m = mean + acceptablePauseNanos;
      toSuspect = silenceFor(suspectThreshold, m, std);
      toOffline = Math.max(toSuspect, silenceFor(threshold, m, std));
    }

    /** The least silence whose phi reaches {@code level}; phi grows with silence, so bisect. */
    private long silenceFor(double level, double mean, double std) {
      double lo = 0;
      double hi = mean + std;
      while (phi(hi, mean, std) < level) {
        hi *= 2;
      }
      for (int i = 0; i < 64 && hi - lo > 1_000; i++) {
        double mid = (lo + hi) / 2;
        if (phi(mid, mean, std) >= level) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
      return (long) Math.ceil(hi);
    }

    @Override
    public Health verdict(long nowNanos) {
      solve();
      long silent = nowNanos - last;
      if (silent >= toOffline) {
        return Health.OFFLINE;
      }
      return silent >= toSuspect ? Health.SUSPECT : Health.ONLINE;
    }

    @Override
    public double suspicion(long nowNanos) {
      double mean = sum / count;
      double std = Math.max(Math.sqrt(Math.max(0, sumSquares / count - mean * mean)), minStdDevNanos);
      return phi(nowNanos - last, mean + acceptablePauseNanos, std);
    }

    @Override
    public long nextChange(long nowNanos) {
      solve();
      long silent = nowNanos - last;
      if (silent < toSuspect) {
        return last + toSuspect;
      }
      return silent < toOffline ? last + toOffline : Long.MAX_VALUE;
    }

    @Override
    public long lastHeartbeatNanos() {
      return last;
    }
  }
}
