package dev.fleet.core.internal;

import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.ReschedulePolicy;
import dev.fleet.spi.FailureDetector;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether each machine is alive: heartbeats, the failure detector's verdicts, health transitions, drain and
 * sleep; the only writer of a machine's health and of what its heartbeats said.
 *
 * <p>Guarded by the fleet's lock. When a machine is lost it has the {@link Ledger} move the machine's work and
 * records in {@link Openings} that the queue is to be matched; it never matches it.
 */
final class Liveness {
  private static final System.Logger LOG = System.getLogger(Liveness.class.getName());

  private final FleetConfig config;
  private final Machines machines;
  private final Ledger ledger;
  private final Openings openings;
  private final SweepPacer pacer;
  private final PlacementPolicies policies;
  private final EventBus events;
  private final FailureDetector detector;
  /** The detector when it is the built-in fixed timeout, which slots then run without a monitor; else null. */
  private final FixedTimeoutDetector fixedTimeout;
  /**
   * A wall-clock reading and the ticker reading taken with it, renewed by every sweep; heartbeat times are
   * shown through it (see {@link MachineSlot#snapshot}).
   */
  private long anchorWallMillis;
  private long anchorNanos;

  Liveness(FleetConfig config, Machines machines, Ledger ledger, Openings openings, SweepPacer pacer,
      PlacementPolicies policies, EventBus events) {
    this.config = config;
    this.machines = machines;
    this.ledger = ledger;
    this.openings = openings;
    this.pacer = pacer;
    this.policies = policies;
    this.events = events;
    this.detector = config.heartbeats().detector();
    this.fixedTimeout = detector instanceof FixedTimeoutDetector f ? f : null;
    anchorClocks(config.clocks().ticker().read());
  }

  /** Takes a wall-clock and a ticker reading together, to show ticker times as wall-clock times. */
  void anchorClocks(long nowNanos) {
    anchorNanos = nowNanos;
    anchorWallMillis = config.clocks().wallClock().millis();
  }

  /**
   * A monitor for a new machine; null for the built-in fixed timeout, which needs nothing but when the
   * machine was last heard (one cache miss less on every heartbeat of a large fleet).
   */
  FailureDetector.Monitor newMonitor(long now) {
    return fixedTimeout != null ? null : detector.newMonitor(now, config.heartbeats().interval());
  }

  /** A machine joined, heard from now. */
  void joined(MachineSlot slot, Health health, long now) {
    slot.heard(now, anchorWallMillis, anchorNanos);
    healthEvent(slot, Health.LEFT, health, "registered", now);
  }

  /**
   * A machine joined that was last heard at {@code heardNanos} ({@code heardMillis} on the wall clock), or never
   * ({@link MachineSlot#NEVER_HEARD}, then heard counts from now): its silence is judged at once, so a machine
   * silent for long is suspect or down now rather than after a fresh grace. It has no work yet to move.
   */
  void joinedLastHeard(MachineSlot slot, Health health, long heardNanos, long heardMillis, long now) {
    slot.lastHeardNanos = heardNanos;
    slot.lastHeardMillis = heardMillis;
    // It was heard from before this run (or is said never to have been): the never-heard prune does not judge it
    // by its registration.
    slot.restored = heardMillis != MachineSlot.NEVER_HEARD;
    healthEvent(slot, Health.LEFT, health, "registered", now);
    judge(slot, now);
    if (slot.health != Health.OFFLINE && slot.health != Health.ASLEEP) {
      pacer.noLaterThan(nextChange(slot, now), now);
    }
  }

  /** A machine came back from the journal after a restart: its silence is counted from now. */
  void restored(MachineSlot slot, Health health, long now) {
    slot.restored = true;
    slot.heard(now, anchorWallMillis, anchorNanos);
    healthEvent(slot, Health.LEFT, health, "restored from the journal; not heard from since the restart", now);
  }

  /** A machine left: its health is LEFT and it takes no work; the caller moves what it had. */
  void left(MachineSlot slot, long now) {
    left(slot, "deregistered", now);
  }

  /** A machine left for {@code reason}, e.g. it was pruned: its health is LEFT; the caller moves what it had. */
  void left(MachineSlot slot, String reason, long now) {
    Health from = slot.health;
    slot.health = Health.LEFT;
    slot.key = Double.POSITIVE_INFINITY;
    healthEvent(slot, from, Health.LEFT, reason, now);
  }

  /** Whether the heartbeat is news: a sequence at or below the last one is a duplicate, unless it is a restart. */
  static boolean isNews(MachineSlot slot, Heartbeat hb) {
    return hb.sequence() > slot.lastSequence || hb.sequence() == 0;
  }

  /**
   * Takes in what a heartbeat says.
   *
   * @return whether the machine's signals changed
   */
  boolean heard(MachineSlot slot, Heartbeat hb, long now) {
    try {
      if (slot.monitor != null) {
        slot.monitor.heartbeat(now);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "failure detector '" + detector.name() + "' failed on a heartbeat of " + slot.id(), e);
    }
    slot.lastSequence = hb.sequence();
    slot.heard(now, anchorWallMillis, anchorNanos);
    slot.report(hb.load());
    boolean signalsChanged = !slot.signals.equals(hb.signals());
    slot.signals = hb.signals();
    if (signalsChanged) {
      policies.updatePower(slot);
    }
    return signalsChanged;
  }

  /**
   * A heartbeat came from a machine taken for suspect, offline or asleep: it is back, online or draining.
   *
   * @return whether it came back
   */
  boolean cameBack(MachineSlot slot, long now) {
    Health h = slot.health;
    if (h != Health.SUSPECT && h != Health.UNKNOWN && h != Health.OFFLINE && h != Health.ASLEEP) {
      return false;
    }
    if (h == Health.OFFLINE || h == Health.ASLEEP) {
      slot.onlineSinceNanos = now; // a recovery: role-bound work fails back only after failbackAfter
      if (slot.drainForShutdown) {
        machines.drain(slot, false, false, Long.MAX_VALUE);
      }
      if (slot.departedAtMillis >= 0) {
        machines.returned(slot);
      }
    }
    transition(slot, slot.drainRequested ? Health.DRAINING : Health.ONLINE,
        h == Health.ASLEEP ? "woke up" : "heartbeat received", now);
    return true;
  }

  /** Moves a machine's work elsewhere; every waiting task is to be matched afresh. */
  void moveWorkOf(MachineSlot slot, String reason, long now) {
    if (!slot.tasks.isEmpty()) {
      ledger.tally.failovers += slot.tasks.size(); // vacate moves every one of them
      ledger.vacate(slot, reason, now);
      openings.everywhere();
    }
  }

  /** Starts or changes a drain; {@code deadline} null for none. */
  void drain(MachineSlot slot, Duration deadline, boolean forShutdown, long now) {
    machines.drain(slot, true, forShutdown,
        deadline == null ? Long.MAX_VALUE : Nanos.plus(now, Nanos.of(deadline)));
    if (slot.health == Health.ONLINE || slot.health == Health.SUSPECT) {
      transition(slot, Health.DRAINING, (forShutdown ? "drain for shutdown" : "drain") + " requested"
          + (deadline == null ? "" : ", deadline " + RulesPage.time(deadline)), now);
    }
    if (slot.drainDeadlineNanos <= now) {
      moveWorkOf(slot, "drain deadline of " + slot.id() + " passed", now);
    }
    pacer.noLaterThan(slot.drainDeadlineNanos, now);
  }

  /** Ends a drain; a machine that went quiet while draining comes back as suspect, not as a fresh online one. */
  void undrain(MachineSlot slot, long now) {
    machines.drain(slot, false, false, Long.MAX_VALUE);
    if (slot.health == Health.DRAINING) {
      Health to = verdict(slot, now) == Health.ONLINE ? Health.ONLINE : Health.SUSPECT;
      transition(slot, to, to == Health.ONLINE ? "drain ended" : "drain ended; " + silence(slot, now, to), now);
      openings.roomOn(slot);
    }
  }

  /** The machine said it goes to sleep: not dead, so its work waits out each task's grace before moving. */
  void announceSleep(MachineSlot slot, long now) {
    if (slot.health == Health.ASLEEP) {
      return;
    }
    transition(slot, Health.ASLEEP, "announced it is going to sleep", now);
    machines.asleep(slot);
    for (TaskRecord r : slot.tasks) {
      pacer.noLaterThan(Nanos.plus(now, Nanos.of(r.task.reschedule().asleepGrace())), now);
    }
  }

  /**
   * The machine said goodbye: offline now, with the reason "left", and its work moves now as when a machine is
   * found offline. Nothing changes for one that is away already after saying so.
   */
  void announceLeave(MachineSlot slot, long now) {
    if (slot.health == Health.OFFLINE && slot.departedAtMillis >= 0) {
      return;
    }
    transition(slot, Health.OFFLINE, "left", now);
    machines.departed(slot, config.clocks().wallClock().millis());
    moveWorkOf(slot, slot.id() + " left", now);
  }

  double suspicion(MachineSlot s, long now) {
    return s.monitor == null ? fixedTimeout.suspicion(s.lastHeardNanos, now) : s.monitor.suspicion(now);
  }

  /**
   * The sweep's part in liveness: every verdict first, then the moves (work moved off the first machine found
   * down must not land on one later in the fleet that is just as silent but not yet marked), then drain
   * deadlines and sleep graces. Returns when it next needs to run.
   */
  long sweep(List<MachineSlot> all, long now) {
    long next = now + config.heartbeats().interval().toNanos();
    List<MachineSlot> wentOffline = null;
    for (MachineSlot s : all) {
      if (judge(s, now)) {
        if (wentOffline == null) {
          wentOffline = new ArrayList<>();
        }
        wentOffline.add(s);
      }
      if (s.health == Health.ONLINE || s.health == Health.SUSPECT || s.health == Health.DRAINING
          || s.health == Health.UNKNOWN) {
        next = Math.min(next, nextChange(s, now));
      }
    }
    if (wentOffline != null) {
      for (MachineSlot s : wentOffline) {
        moveWorkOf(s, s.id() + " went offline", now);
      }
    }
    for (MachineSlot s : all) {
      if (s.health == Health.LEFT) {
        continue;
      }
      // The deadline holds whatever else happens meanwhile, e.g. the drained machine falling asleep.
      if (s.drainRequested && !s.tasks.isEmpty()) {
        if (s.drainDeadlineNanos <= now) {
          moveWorkOf(s, "drain deadline of " + s.id() + " passed", now);
        } else {
          next = Math.min(next, s.drainDeadlineNanos);
        }
      }
      if (s.health == Health.ASLEEP && !s.tasks.isEmpty()) {
        next = Math.min(next, moveWorkOutstayingSleep(s, now));
      }
    }
    return next;
  }

  /**
   * The detector's verdict on one machine's silence as of {@code now}, applied: online to suspect, or down.
   *
   * @return whether it went offline, so its work must move
   */
  private boolean judge(MachineSlot s, long now) {
    Health h = s.health;
    // A machine not yet heard from since a restart is judged like a suspect one: it gets no work meanwhile.
    if (h != Health.ONLINE && h != Health.SUSPECT && h != Health.DRAINING && h != Health.UNKNOWN) {
      return false;
    }
    Health verdict = verdict(s, now);
    if (verdict == Health.OFFLINE) {
      return goesDown(s, now);
    }
    if (verdict == Health.SUSPECT && h == Health.ONLINE) {
      transition(s, Health.SUSPECT, silence(s, now, Health.SUSPECT), now);
    }
    return false;
  }

  /** Moves the tasks of an asleep machine whose patience ran out; returns when the next one runs out. */
  private long moveWorkOutstayingSleep(MachineSlot s, long now) {
    long next = Long.MAX_VALUE;
    for (TaskRecord r : List.copyOf(s.tasks)) {
      Duration grace = r.task.reschedule().asleepGrace();
      if (grace.equals(ReschedulePolicy.WAIT_FOREVER)) {
        continue;
      }
      long due = Nanos.plus(s.asleepSinceNanos, Nanos.of(grace));
      if (due <= now) {
        ledger.requeue(r, s.id() + " was asleep for " + RulesPage.time(grace), now, true);
      } else {
        next = Math.min(next, due);
      }
    }
    openings.everywhere();
    return next;
  }

  private Health verdict(MachineSlot s, long now) {
    try {
      return s.monitor == null ? fixedTimeout.verdict(s.lastHeardNanos, now) : s.monitor.verdict(now);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "failure detector '" + detector.name() + "' failed for " + s.id() + "; health kept", e);
      return s.health == Health.DRAINING ? Health.ONLINE : s.health;
    }
  }

  private long nextChange(MachineSlot s, long now) {
    try {
      long change = s.monitor == null ? fixedTimeout.nextChange(s.lastHeardNanos, now) : s.monitor.nextChange(now);
      return Math.max(now + 1, change);
    } catch (RuntimeException e) {
      return now + config.heartbeats().interval().toNanos();
    }
  }

  /** Why the machine is becoming {@code to}: its silence against the limit for {@code to}. */
  private String silence(MachineSlot s, long now, Health to) {
    double silent = (now - s.lastHeardNanos) / 1e9;
    if (detector instanceof FixedTimeoutDetector f) {
      // By the state it goes to, not the one it leaves: one silent past both goes from online to offline at once.
      long limit = to == Health.SUSPECT ? f.suspectAfterNanos : f.offlineAfterNanos;
      return String.format(Locale.ROOT, "silent for %.1fs >= %.1fs", silent, limit / 1e9);
    }
    double suspicion;
    try {
      suspicion = suspicion(s, now);
    } catch (RuntimeException e) {
      suspicion = Double.NaN;
    }
    return String.format(Locale.ROOT, "silent for %.1fs (%s %.1f)", silent, detector.name(), suspicion);
  }

  /**
   * The detector says the machine is down: a laptop that went quiet idle is asleep; anything else is offline.
   *
   * @return whether it went offline, so its work must move
   */
  private boolean goesDown(MachineSlot s, long now) {
    var idle = s.signals.ownerIdle();
    boolean sleepy = s.machine.isLaptop()
        && (s.signals.onBattery() || (idle.isPresent() && idle.get().compareTo(config.heartbeats().sleepHint()) >= 0));
    if (sleepy) {
      String reason = silence(s, now, Health.OFFLINE) + "; a laptop going quiet "
          + (s.signals.onBattery() ? "on battery" : "after its owner was idle " + RulesPage.time(idle.get()))
          + " is taken to be asleep";
      transition(s, Health.ASLEEP, reason, now);
      return false;
    }
    transition(s, Health.OFFLINE, silence(s, now, Health.OFFLINE), now);
    return true;
  }

  private void transition(MachineSlot slot, Health to, String reason, long now) {
    Health from = slot.health;
    if (from == to) {
      return;
    }
    slot.health = to;
    if (to == Health.ASLEEP) {
      slot.asleepSinceNanos = now;
      slot.asleepSinceMillis = config.clocks().wallClock().millis();
    }
    slot.rekey();
    healthEvent(slot, from, to, reason, now);
  }

  private void healthEvent(MachineSlot slot, Health from, Health to, String reason, long now) {
    if (events.active()) {
      events.post(new FleetEvent.HealthChanged(slot.id(), from, to, reason, now));
    }
  }
}
