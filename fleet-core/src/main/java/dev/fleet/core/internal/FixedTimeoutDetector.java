package dev.fleet.core.internal;

import dev.fleet.Health;
import dev.fleet.spi.FailureDetector;
import java.time.Duration;

/**
 * Classifies a machine's silence with two fixed timeouts: suspect after one, offline after the other.
 *
 * <p>Immutable and thread-safe; its monitors are guarded by the fleet.
 */
public final class FixedTimeoutDetector implements FailureDetector {
  final long suspectAfterNanos;
  final long offlineAfterNanos;

  public FixedTimeoutDetector(Duration suspectAfter, Duration offlineAfter) {
    if (suspectAfter.isNegative() || suspectAfter.isZero() || offlineAfter.compareTo(suspectAfter) <= 0) {
      throw new IllegalArgumentException("need 0 < suspectAfter < offlineAfter, got suspectAfter " + suspectAfter
          + " and offlineAfter " + offlineAfter);
    }
    this.suspectAfterNanos = suspectAfter.toNanos();
    this.offlineAfterNanos = offlineAfter.toNanos();
  }

  @Override
  public String name() {
    return "fixed-timeout";
  }

  @Override
  public String describe() {
    return "a machine silent for " + RulesPage.time(Duration.ofNanos(suspectAfterNanos))
        + " is suspect and takes no new work; silent for " + RulesPage.time(Duration.ofNanos(offlineAfterNanos))
        + " it is offline (detector 'fixed-timeout')";
  }

  @Override
  public Monitor newMonitor(long nowNanos, Duration expectedInterval) {
    return new Silence(nowNanos);
  }

  /** The verdict on a machine last heard at {@code last}; the fleet calls this directly for its own slots. */
  Health verdict(long last, long nowNanos) {
    long silent = nowNanos - last;
    if (silent >= offlineAfterNanos) {
      return Health.OFFLINE;
    }
    return silent >= suspectAfterNanos ? Health.SUSPECT : Health.ONLINE;
  }

  double suspicion(long last, long nowNanos) {
    return (nowNanos - last) / 1e9;
  }

  long nextChange(long last, long nowNanos) {
    long silent = nowNanos - last;
    if (silent < suspectAfterNanos) {
      return last + suspectAfterNanos;
    }
    return silent < offlineAfterNanos ? last + offlineAfterNanos : Long.MAX_VALUE;
  }

  private final class Silence implements Monitor {
    private long last;

    Silence(long now) {
      this.last = now;
    }

    @Override
    public void heartbeat(long arrivalNanos) {
      last = arrivalNanos;
    }

    @Override
    public Health verdict(long nowNanos) {
      return FixedTimeoutDetector.this.verdict(last, nowNanos);
    }

    @Override
    public double suspicion(long nowNanos) {
      return FixedTimeoutDetector.this.suspicion(last, nowNanos);
    }

    @Override
    public long nextChange(long nowNanos) {
      return FixedTimeoutDetector.this.nextChange(last, nowNanos);
    }

    @Override
    public long lastHeartbeatNanos() {
      return last;
    }
  }
}
