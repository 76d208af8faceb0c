package dev.fleet.core.internal;

import dev.fleet.Health;
import java.time.Duration;

/**
 * Classifies a machine's silence with two fixed timeouts: suspect after one, offline after the other.
 *
 * <p>Immutable and thread-safe.
 */
final class FixedTimeoutDetector {
  final long suspectAfterNanos;
  final long offlineAfterNanos;

  FixedTimeoutDetector(Duration suspectAfter, Duration offlineAfter) {
    this.suspectAfterNanos = suspectAfter.toNanos();
    this.offlineAfterNanos = offlineAfter.toNanos();
  }

  /** The health a machine that is alive by its own account (online or suspect) has after this much silence. */
  Health classify(long silentNanos) {
    if (silentNanos >= offlineAfterNanos) {
      return Health.OFFLINE;
    }
    return silentNanos >= suspectAfterNanos ? Health.SUSPECT : Health.ONLINE;
  }

  /** When, in ticker time, the verdict for a machine last heard at {@code lastHeard} next changes. */
  long nextChange(long lastHeard, Health current) {
    return current == Health.SUSPECT ? lastHeard + offlineAfterNanos : lastHeard + suspectAfterNanos;
  }
}
