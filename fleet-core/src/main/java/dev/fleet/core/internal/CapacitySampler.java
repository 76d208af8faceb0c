package dev.fleet.core.internal;

import dev.fleet.CapacityReport;
import dev.fleet.Health;
import dev.fleet.Reason;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.core.internal.capacity.Arrival;
import dev.fleet.core.internal.capacity.CapacityAdvice;
import dev.fleet.core.internal.capacity.History;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Feeds the fleet's capacity {@link History}: every {@link #PERIOD} on the fleet's scheduler it samples machines
 * (at the ceiling or not, idle or not) and the queue (its length, tasks waiting for a capability no machine has,
 * work waiting for a machine's power or owner) under the fleet's lock, and it notes task endings as the ledger
 * retires them, looking their records up at the next sample. Nothing here runs on the dispatch path but that note.
 *
 * <p>Thread-safe: endings are noted under the fleet's lock into a bounded queue; samples run on the scheduler and
 * take the fleet's lock.
 */
final class CapacitySampler {
  private static final System.Logger LOG = System.getLogger(CapacitySampler.class.getName());
  /** How often the machines and the queue are sampled. */
  static final Duration PERIOD = Duration.ofSeconds(10);
  /**
   * The most time one sample stands for: a longer gap means the process was suspended (a sleeping laptop running
   * the coordinator), and what the fleet looked like before it says little about the time it was away.
   */
  static final Duration MAX_GAP = Duration.ofMinutes(5);
  /** Task endings waiting for the next sample at most; more are dropped (a burst beyond it goes uncounted). */
  static final int MAX_PENDING = 65_536;
  /** Queued tasks a sample looks at for presence waits, at most: the cost of a sample stays bounded. */
  static final int PRESENCE_LOOKS = 64;

  private record Ending(TaskId task, long atNanos) {}

  private final FleetCore core;
  private final History history;
  private final ConcurrentLinkedQueue<Ending> endings = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  /** Tasks seen waiting for a missing capability at the last sample: a task is counted once. */
  private Set<TaskId> missingSeen = new HashSet<>();
  private long lastNanos;
  private dev.fleet.spi.Scheduler.Cancellable booked;
  private volatile boolean closed;

  CapacitySampler(FleetCore core, History history) {
    this.core = core;
    this.history = history;
    this.lastNanos = core.config.clocks().ticker().read();
    history.anchor(lastNanos); // task endings may be noted before the first sample
  }

  /** Books the first sample. */
  synchronized void start() {
    if (!closed && booked == null) {
      booked = core.config.clocks().scheduler().schedule(this::sampleAndRebook, PERIOD);
    }
  }

  synchronized void close() {
    closed = true;
    if (booked != null) {
      booked.cancel();
    }
  }

  /**
   * A task ended now (called under the fleet's lock as the ledger retires it): noted, and looked up at the next
   * sample. Not an event listener, so a fleet nobody listens to builds no task events for this.
   */
  void retired(TaskRecord rec) {
    if (pending.incrementAndGet() <= MAX_PENDING) {
      endings.add(new Ending(rec.task.id(), core.config.clocks().ticker().read()));
    } else {
      pending.decrementAndGet();
    }
  }

  private void sampleAndRebook() {
    if (closed) {
      return;
    }
    try {
      sample();
    } catch (RuntimeException e) {
      // History is advice; a bug in it must not stop the sampling, nor reach the scheduler.
      LOG.log(Level.WARNING, "capacity sample failed", e);
    }
    synchronized (this) {
      if (!closed) {
        booked = core.config.clocks().scheduler().schedule(this::sampleAndRebook, PERIOD);
      }
    }
  }

  /** One sample: what happened since the last, weighted by the time passed (at most {@link #MAX_GAP}). */
  void sample() {
    core.lock.lock();
    try {
      long now = core.config.clocks().ticker().read();
      long weight = Math.max(0, Math.min(now - lastNanos, MAX_GAP.toNanos()));
      lastNanos = now;
      if (weight > 0) {
        history.covered(now, weight);
        Set<String> capabilities = new HashSet<>();
        machines(now, weight, capabilities);
        queue(now, weight, capabilities);
      }
      endings(now);
    } finally {
      core.lock.unlock();
    }
  }

  /** Samples each machine online, and gathers the capabilities some registered machine has. */
  private void machines(long now, long weight, Set<String> capabilities) {
    for (MachineSlot m : core.machines.all()) {
      capabilities.addAll(m.machine().capabilities());
      if (m.health() == Health.ONLINE || m.health() == Health.DRAINING) {
        history.machine(now, weight, m.id().value(), m.machine().capabilities(), m.machine().role(), atCeiling(m),
            m.activeTasks() == 0);
      }
    }
  }

  private boolean atCeiling(MachineSlot m) {
    return m.full() || m.effectiveLoad() >= core.config.placement().loadCeiling();
  }

  private void queue(long now, long weight, Set<String> capabilities) {
    Set<TaskId> missingNow = new HashSet<>();
    int looks = 0;
    long wall = core.time.wall(now);
    for (TaskRecord r : core.ledger.live()) {
      if (r.state != TaskState.QUEUED) {
        continue;
      }
      Task t = r.task;
      history.queued(now, weight, t.requires(), t.role());
      boolean missing = false;
      for (String c : t.requires()) {
        if (!capabilities.contains(c)) {
          missing = true;
          history.missing(now, weight, c, !missingSeen.contains(t.id()));
        }
      }
      // A role is a preference (a task runs on any machine that fits when none of its role does): never missing.
      if (missing) {
        missingNow.add(t.id());
      } else if (looks++ < PRESENCE_LOOKS) {
        presence(now, weight, wall, t);
      }
    }
    missingSeen = missingNow;
  }

  /**
   * Notes the machines that could run {@code t} but for their power or owner, unless one that could run it is free
   * (then it is waiting for nothing the owner controls).
   */
  private void presence(long now, long weight, long wall, Task t) {
    List<MachineSlot> blocked = new ArrayList<>(2);
    List<Reason> reasons = new ArrayList<>(2);
    for (MachineSlot m : core.machines.all()) {
      if (!m.machine().capabilities().containsAll(t.requires())
          || t.role().isPresent() && !t.role().get().equals(m.machine().role())) {
        continue;
      }
      Reason why = null;
      if (m.health() == Health.ASLEEP) {
        why = Reason.ASLEEP;
      } else if (m.health() == Health.ONLINE) {
        Reason veto = PlacementPolicies.applies(t) ? core.policies.veto(t, m, wall) : null;
        if (veto == Reason.ON_BATTERY || veto == Reason.OWNER_ACTIVE) {
          why = veto;
        } else if (veto == null && !atCeiling(m)) {
          return;
        }
      }
      if (why != null) {
        blocked.add(m);
        reasons.add(why);
      }
    }
    for (int i = 0; i < blocked.size(); i++) {
      history.presence(now, weight, blocked.get(i).id().value(), reasons.get(i));
    }
  }

  private void endings(long now) {
    Ending e;
    while ((e = endings.poll()) != null) {
      pending.decrementAndGet();
      TaskRecord r = core.ledger.find(e.task());
      if (r == null || !r.accepted) {
        continue;
      }
      List<dev.fleet.Attempt> attempts = r.history();
      long wait = (attempts.isEmpty() ? e.atNanos() : attempts.get(0).dispatchedAtNanos()) - r.submittedNanos;
      long run = attempts.isEmpty() ? -1 : e.atNanos() - attempts.get(attempts.size() - 1).dispatchedAtNanos();
      history.finished(e.atNanos(), r.task.requires(), r.task.role(), Math.max(0, wait), Math.max(-1, run));
      if (run >= 0 && (r.state == TaskState.SUCCEEDED || r.state == TaskState.FAILED)) {
        history.arrived(new Arrival(r.submittedNanos, r.task.requires(), r.task.role(), r.task.priority(),
            r.task.weight(), run));
      }
    }
  }

  /**
   * The report on the last {@code window}, against the machines registered now; a sample is taken first, so the
   * report reaches the present (a sample weighs the time since the last, so this counts nothing twice).
   */
  CapacityReport report(Duration window) {
    sample();
    Set<String> capabilities = new HashSet<>();
    long now;
    core.lock.lock();
    try {
      now = core.config.clocks().ticker().read();
      endings(now);
      for (MachineSlot m : core.machines.all()) {
        capabilities.addAll(m.machine().capabilities());
      }
    } finally {
      core.lock.unlock();
    }
    Duration w = window.compareTo(history.horizon()) > 0 ? history.horizon() : window;
    return CapacityAdvice.report(history.window(now, w, 24), w, capabilities);
  }

  /**
   * Replays the last {@code window}'s tasks (those that ran, and those still queued) on the machines of now and on
   * them plus {@code add} minus {@code remove}.
   */
  dev.fleet.CapacityWhatIf whatIf(Duration window, List<dev.fleet.Machine> add, List<dev.fleet.MachineId> remove) {
    List<dev.fleet.Machine> machines = new ArrayList<>();
    List<Arrival> arrivals;
    core.lock.lock();
    try {
      long now = core.config.clocks().ticker().read();
      endings(now);
      Set<dev.fleet.MachineId> ids = new HashSet<>();
      for (MachineSlot m : core.machines.all()) {
        machines.add(m.machine());
        ids.add(m.id());
      }
      for (dev.fleet.MachineId id : remove) {
        if (!ids.contains(id)) {
          throw new IllegalArgumentException("cannot remove machine '" + id + "' in a what-if: it is not registered");
        }
      }
      for (dev.fleet.Machine m : add) {
        if (ids.contains(m.id())) {
          throw new IllegalArgumentException("cannot add machine '" + m.id() + "' in a what-if: one of that id is "
              + "registered already");
        }
      }
      arrivals = new ArrayList<>(history.arrivals(now, window));
      for (TaskRecord r : core.ledger.live()) {
        if (r.state == TaskState.QUEUED && r.submittedNanos >= now - window.toNanos()) {
          arrivals.add(new Arrival(r.submittedNanos, r.task.requires(), r.task.role(), r.task.priority(),
              r.task.weight(), -1));
        }
      }
    } finally {
      core.lock.unlock();
    }
    arrivals.sort(java.util.Comparator.comparingLong(Arrival::atNanos));
    Duration w = window.compareTo(history.horizon()) > 0 ? history.horizon() : window;
    return dev.fleet.core.internal.capacity.WhatIf.compare(w, machines, add, remove, arrivals,
        new ReplayFleet(core.config.placement()));
  }
}
