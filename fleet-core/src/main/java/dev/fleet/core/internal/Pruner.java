package dev.fleet.core.internal;

import dev.fleet.Health;
import java.time.Duration;
import java.util.List;

/**
 * Removes machines the fleet has no use for keeping: those that registered in this run and never sent a
 * heartbeat within {@link FleetConfig.Pruning#neverHeardAfter()} (a flood of joins, an agent that died at once),
 * and those offline or asleep whose silence lasted {@link FleetConfig.Pruning#offlineAfter()}, counted at the earliest
 * from when this fleet registered them (a machine loaded with an old last-heard time gets the whole span). A prune is a
 * deregistration with a reason: journaled as one, so a restart does not bring the machine back, published as a
 * {@link dev.fleet.FleetEvent.HealthChanged} to LEFT whose reason starts with {@code "pruned: "}, and its work
 * moves as for any removal.
 *
 * <p>Guarded by the fleet's lock; called from the sweep, after the liveness verdicts.
 */
final class Pruner {
  /** The start of every prune's reason, so a listener (the HTTP coordinator, a person) can tell it apart. */
  static final String REASON_PREFIX = "pruned: ";

  private final long neverHeardNanos;
  private final long offlineNanos;
  private final Machines machines;
  private final Liveness liveness;

  Pruner(FleetConfig config, Machines machines, Liveness liveness) {
    this.neverHeardNanos = config.pruning().neverHeardAfter().toNanos();
    this.offlineNanos = config.pruning().offlineAfter().toNanos();
    this.machines = machines;
    this.liveness = liveness;
  }

  /**
   * Prunes every machine of {@code all} whose time is up as of {@code now}.
   *
   * @return when the next of the others is due, Long.MAX_VALUE if none is
   */
  long sweep(List<MachineSlot> all, long now) {
    if (neverHeardNanos == 0 && offlineNanos == 0) {
      return Long.MAX_VALUE;
    }
    long next = Long.MAX_VALUE;
    for (MachineSlot s : all) {
      if (s.health == Health.LEFT) {
        continue;
      }
      long silent = now - s.lastHeardNanos;
      if (neverHeardNanos > 0 && s.lastSequence < 0 && !s.restored) {
        if (silent >= neverHeardNanos) {
          prune(s, "never heard from in the " + shown(silent) + " since it registered (pruneNeverHeardAfter "
              + shown(neverHeardNanos) + ")", now);
          continue;
        }
        next = Math.min(next, s.lastHeardNanos + neverHeardNanos);
      }
      if (offlineNanos > 0 && (s.health == Health.OFFLINE || s.health == Health.ASLEEP)) {
        // Whoever loaded a machine last heard long ago wants it kept for now: its time runs from the loading.
        long from = Math.max(s.lastHeardNanos, s.registeredNanos);
        if (now - from >= offlineNanos) {
          prune(s, s.health.word() + " and silent for " + shown(silent) + (from == s.lastHeardNanos ? ""
              : ", " + shown(now - from) + " of it since it was registered") + " (pruneOfflineAfter "
              + shown(offlineNanos) + ")", now);
          continue;
        }
        next = Math.min(next, from + offlineNanos);
      }
    }
    return next;
  }

  /** A span as the rules page writes it, in whole seconds from one second up: sweeps run a little late. */
  private static String shown(long nanos) {
    return RulesPage.time(nanos >= 1_000_000_000L ? Duration.ofSeconds(nanos / 1_000_000_000L)
        : Duration.ofNanos(nanos));
  }

  private void prune(MachineSlot slot, String why, long now) {
    machines.remove(slot.id());
    liveness.left(slot, REASON_PREFIX + why, now);
    liveness.moveWorkOf(slot, slot.id() + " was pruned (" + why + ")", now);
    machines.removed(slot);
  }
}
