package dev.fleet.core.internal;

import dev.fleet.Decision;
import dev.fleet.Health;
import dev.fleet.Priority;
import dev.fleet.TaskState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Matches waiting work to machines: once at the end of each of the fleet's operations, over the capability
 * sets the operation recorded in {@link Openings}, highest (aged) priority first across all of them; and
 * makes room for urgent work by preemption.
 *
 * <p>Guarded by the fleet's lock. Nothing but the fleet's entry points calls {@link #match}: an operation that
 * queues or frees work several times over, e.g. a sweep that finds two machines down, must not let the
 * first task it happened to move take a machine a higher-priority task moved later needs.
 */
final class Matchmaker {
  private static final Priority[] PRIORITIES = Priority.values();
  private final FleetConfig config;
  private final Machines machines;
  private final Ledger ledger;
  private final Openings openings;
  private final Placer placer;
  private final PlacementPolicies policies;
  /** Per (recorded set, priority): its head did not fit, so nothing behind it with the same needs will. */
  private boolean[] blocked = new boolean[8 * PRIORITIES.length];

  Matchmaker(FleetConfig config, Machines machines, Ledger ledger, Openings openings, Placer placer,
      PlacementPolicies policies) {
    this.config = config;
    this.machines = machines;
    this.ledger = ledger;
    this.openings = openings;
    this.placer = placer;
    this.policies = policies;
  }

  /** Dispatches what fits of the waiting work the recorded openings could unblock, then forgets them. */
  void match() {
    if (openings.isEmpty()) {
      return;
    }
    try {
      if (ledger.queued() > 0) {
        if (openings.isEverywhere()) {
          machines.recordQueued(openings);
        }
        matchRecorded();
      }
    } finally {
      openings.clear();
    }
  }

  private void matchRecorded() {
    int sets = openings.size();
    int levels = PRIORITIES.length;
    if (blocked.length < sets * levels) {
      blocked = new boolean[sets * levels * 2];
    }
    boolean[] b = blocked;
    java.util.Arrays.fill(b, 0, sets * levels, false);
    long now = config.clocks().ticker().read();
    long aging = config.placement().agingStep().toNanos();
    while (true) {
      TaskRecord best = null;
      int bestAt = -1;
      for (int i = 0; i < sets; i++) {
        TaskQueue q = openings.get(i).queue;
        if (q == null || q.isEmpty()) {
          continue;
        }
        for (int p = 0; p < levels; p++) {
          TaskRecord head = q.head(p);
          if (head != null && !b[i * levels + p] && (best == null || head.before(best, now, aging))) {
            best = head;
            bestAt = i * levels + p;
          }
        }
      }
      if (best == null) {
        return;
      }
      double ceiling = ceilingFor(best, now);
      MachineSlot chosen =
          placer.choose(best.task, best.index, ceiling, best.excluded, now, config.clocks().wallClock());
      if (chosen == null) {
        b[bestAt] = true;
        continue;
      }
      ledger.assignHead(best, chosen, ceiling, placer.note, now);
    }
  }

  /** Whether a task waiting for the same capabilities ranks ahead of {@code rec} in queue order. */
  boolean queuedAhead(LoadIndex where, TaskRecord rec, long now) {
    if (!where.hasQueuedTasks()) {
      return false;
    }
    long aging = config.placement().agingStep().toNanos();
    for (int p = 0; p < PRIORITIES.length; p++) {
      TaskRecord head = where.queue.head(p);
      if (head != null && head.before(rec, now, aging)) {
        return true;
      }
    }
    return false;
  }

  /** The ceiling a task may use: that of the priority it has aged to, so a long wait also earns headroom. */
  private double ceilingFor(TaskRecord rec, long now) {
    return config.ceiling(PRIORITIES[rec.agedPriority(now, config.placement().agingStep().toNanos())]);
  }

  /**
   * Makes room for an urgent task by sending work at least {@code preemptionGap} priority levels lower back
   * to the queue: on the machine that needs the fewest evictions, lowest priority and newest first. The
   * evicted tasks do not count it as a lost attempt, and both sides are explained. Null if no machine can
   * make room.
   */
  Decision.Dispatched preemptFor(TaskRecord rec, LoadIndex where, double ceiling, long now) {
    int minLevel = rec.task.priority().ordinal() + config.placement().preemptionGap();
    long wall = config.clocks().wallClock().millis();
    MachineSlot target = null;
    List<TaskRecord> victims = null;
    for (int i = 0; i < where.size(); i++) {
      MachineSlot s = where.leaf(i);
      if (s.health != Health.ONLINE
          || (PlacementPolicies.applies(rec.task) && policies.veto(rec.task, s, wall) != null)) {
        continue;
      }
      List<TaskRecord> evictable = new ArrayList<>();
      for (TaskRecord t : s.tasks) {
        // Paused work holds no load, so evicting it would make no room.
        if (t.task.priority().ordinal() >= minLevel && t.state != TaskState.PAUSED) {
          evictable.add(t);
        }
      }
      evictable.sort(Comparator.comparingInt((TaskRecord t) -> -t.task.priority().ordinal())
          .thenComparingLong(t -> -t.sequence));
      double load = s.placementLoad();
      // A machine with slots needs one free as well as room under the ceiling.
      int over = s.slots > 0 ? s.activeTasks - s.slots + 1 : 0;
      List<TaskRecord> chosen = new ArrayList<>();
      for (TaskRecord t : evictable) {
        if (load < ceiling && chosen.size() >= over) {
          break;
        }
        load -= s.shareOf(t.task.weight(), config.placement().loadPerTask());
        chosen.add(t);
      }
      if (load < ceiling && chosen.size() >= over && !chosen.isEmpty()
          && (victims == null || chosen.size() < victims.size())) {
        target = s;
        victims = chosen;
      }
    }
    if (target == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (TaskRecord v : victims) {
      ledger.preempt(v, "preempted by urgent task " + rec.task.id() + " on " + target.id(), now);
      names.add(v.task.id().value());
    }
    return ledger.assign(rec, target, ceiling, "preempted " + String.join(", ", names) + " to make room", now);
  }
}
