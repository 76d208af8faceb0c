package dev.fleet.core.internal;

import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.HeartbeatMonitor;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet's {@link HeartbeatMonitor}: heartbeats, the sweep that judges silence, sleep and leave announcements.
 *
 * <p>Each method is one operation of the fleet's: it takes the fleet's one lock through {@link FleetCore},
 * has the rooms record what happened, and leaves through the fleet's exit, which matches the queue and waits
 * for the journal. Thread-safe.
 */
final class FleetMonitor implements HeartbeatMonitor {
  private static final System.Logger LOG = System.getLogger(FleetMonitor.class.getName());
  private final FleetCore core;
  private final FleetConfig config;
  private final boolean indexedStrategy;
  private final Openings openings;
  private final Machines machines;
  private final Ledger ledger;
  private final Liveness liveness;
  private final Pruner pruner;
  private final OwnerReturn ownerReturn;
  private final Matchmaker matchmaker;
  private final Durability durability;

  FleetMonitor(FleetCore core) {
    this.core = core;
    this.config = core.config;
    this.indexedStrategy = core.indexedStrategy;
    this.openings = core.openings;
    this.machines = core.machines;
    this.ledger = core.ledger;
    this.liveness = core.liveness;
    this.pruner = core.pruner;
    this.ownerReturn = core.ownerReturn;
    this.matchmaker = core.matchmaker;
    this.durability = core.durability;
  }

  private void enter() {
    core.enter();
  }

  private void exit() {
    core.exit();
  }

  private void exit(long before) {
    core.exit(before);
  }

  @Override
  public boolean heartbeat(Heartbeat hb) {
    Objects.requireNonNull(hb, "heartbeat");
    enter();
    long before = durability == null ? 0 : durability.position();
    try {
      MachineSlot slot = machines.slot(hb.machine());
      if (!Liveness.isNews(slot, hb)) {
        // Routine after a retry or a reordered delivery, so DEBUG; the caller learns it from the false.
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
          LOG.log(System.Logger.Level.DEBUG, "ignored a heartbeat from " + hb.machine() + ": its sequence "
              + hb.sequence() + " is not newer than " + slot.lastSequence + ", the last one accepted");
        }
        return false;
      }
      ledger.tally.heartbeats++;
      long now = config.clocks().ticker().read();
      // A new run of an agent that was heard from before knows nothing of the attempts of its last run: they
      // are lost and must move, or they would stay "running" on a machine that never finishes them.
      boolean restarted = hb.sequence() == 0 && slot.lastSequence >= 0;
      boolean signalsChanged = liveness.heard(slot, hb, now);
      if (slot.hasStartedUnreported()) {
        // Work confirmed started before this heartbeat is now part of the load it reports.
        ledger.loadReported(slot);
      }
      if (restarted && !slot.tasks.isEmpty()) { // not even the reason is built for an idle machine
        liveness.moveWorkOf(slot, slot.id() + " restarted and lost its work", now);
      }
      boolean cameBack = liveness.cameBack(slot, now);
      // After the clearing above, so work resumed here stays counted until the next heartbeat reports it.
      if (signalsChanged || ledger.anyPaused()) {
        ownerReturn.follow(slot, now);
      }
      if (cameBack) {
        openings.roomOn(slot);
      } else {
        double oldKey = slot.rekey();
        if (ledger.queued() > 0 && (slot.key < oldKey || !indexedStrategy || signalsChanged)) {
          openings.roomOn(slot);
        }
      }
      matchmaker.match();
      return true;
    } finally {
      exit(before);
    }
  }

  @Override
  public long sweep(long nowNanos) {
    enter();
    try {
      liveness.anchorClocks(nowNanos);
      List<MachineSlot> all = new ArrayList<>(machines.all());
      long next = Math.min(liveness.sweep(all, nowNanos), pruner.sweep(all, nowNanos));
      boolean movedBackground = false;
      for (MachineSlot s : all) {
        // Quiet hours end by the clock, not by a heartbeat: background work there pauses or moves now.
        if ((s.health == Health.ONLINE || s.health == Health.DRAINING) && !s.tasks.isEmpty()
            && s.machine.labels().containsKey(PlacementPolicies.LABEL_QUIET_HOURS)) {
          movedBackground |= ownerReturn.follow(s, nowNanos);
        }
      }
      if (movedBackground) {
        openings.everywhere();
      }
      if (ledger.anyPaused()) {
        next = Math.min(next, ownerReturn.resumeOrMovePaused(nowNanos));
      }
      next = Math.min(next, ledger.releaseDelayed(nowNanos));
      next = Math.min(next, ledger.expireDeadlines(nowNanos));
      matchmaker.match();
      return next;
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus announceSleep(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.slot(id);
      liveness.announceSleep(slot, config.clocks().ticker().read());
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus announceLeave(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.slot(id);
      liveness.announceLeave(slot, config.clocks().ticker().read());
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public double suspicion(MachineId id) {
    enter();
    try {
      return liveness.suspicion(machines.slot(id), config.clocks().ticker().read());
    } finally {
      exit();
    }
  }

  @Override
  public Health health(MachineId machine) {
    enter();
    try {
      return machines.slot(machine).health;
    } finally {
      exit();
    }
  }

  @Override
  public Duration interval() {
    return config.heartbeats().interval();
  }

  @Override
  public Duration suspectAfter() {
    return config.heartbeats().suspectAfter();
  }

  @Override
  public Duration offlineAfter() {
    return config.heartbeats().offlineAfter();
  }

  @Override
  public Optional<Duration> pruneNeverHeardAfter() {
    return Optional.of(config.pruning().neverHeardAfter()).filter(d -> !d.isZero());
  }

  @Override
  public Optional<Duration> pruneOfflineAfter() {
    return Optional.of(config.pruning().offlineAfter()).filter(d -> !d.isZero());
  }
}
