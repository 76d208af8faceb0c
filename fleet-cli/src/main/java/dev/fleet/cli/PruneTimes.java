package dev.fleet.cli;

import dev.fleet.core.FleetBuilder;
import java.time.Duration;

/**
 * What {@code fleet coordinator} prunes: by default a machine that joined and never heartbeat within 10 minutes (a
 * flood of joins, an agent that died at once), and one offline or asleep and silent for 7 days, whose agent joins
 * afresh when it is back. The library keeps every machine unless asked; a coordinator that anyone with the join
 * token can join should not.
 *
 * <p>Immutable and thread-safe.
 *
 * @param neverHeard prune a machine never heard from this long after joining; zero keeps them
 * @param offline prune a machine offline or asleep and silent this long; zero keeps them
 */
record PruneTimes(Duration neverHeard, Duration offline) {
  static final Duration NEVER_HEARD = Duration.ofMinutes(10);
  static final Duration OFFLINE = Duration.ofDays(7);

  /**
   * The times given ({@code null} for the default, zero to keep such machines), or the defaults, raised to the
   * offline time when that is longer.
   *
   * @throws IllegalArgumentException naming the option, if a time given is negative or shorter than the offline
   *     time
   */
  static PruneTimes choose(Duration neverHeard, Duration offline, Duration offlineAfter) {
    return new PruneTimes(chosen("--prune-never-heard-after", neverHeard, NEVER_HEARD, offlineAfter),
        chosen("--prune-offline-after", offline, OFFLINE, offlineAfter));
  }

  /** Sets them on the fleet. */
  void applyTo(FleetBuilder fleet) {
    if (!neverHeard.isZero()) {
      fleet.pruneNeverHeardAfter(neverHeard);
    }
    if (!offline.isZero()) {
      fleet.pruneOfflineAfter(offline);
    }
  }

  private static Duration chosen(String option, Duration given, Duration byDefault, Duration offlineAfter) {
    if (given == null) {
      return byDefault.compareTo(offlineAfter) >= 0 ? byDefault : offlineAfter;
    }
    if (given.isNegative() || (!given.isZero() && given.compareTo(offlineAfter) < 0)) {
      throw new IllegalArgumentException(option + " " + AgentLeave.text(given) + " must be 0s (keep such machines) "
          + "or at least the time after which a machine is offline, " + AgentLeave.text(offlineAfter)
          + " (--offline-after): a machine is not removed before it would be offline");
    }
    return given;
  }
}
