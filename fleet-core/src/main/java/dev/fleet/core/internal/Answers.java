package dev.fleet.core.internal;

import dev.fleet.Decision;
import dev.fleet.Explanation;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What the fleet answers about a task without changing anything: its current decision, why it is where it
 * is, and the queue in the order it will be served. Reads the rooms; writes nothing.
 *
 * <p>Guarded by the fleet's lock.
 */
final class Answers {
  private final FleetConfig config;
  private final Machines machines;
  private final Explainer explainer;
  private final String strategyName;

  Answers(FleetConfig config, Machines machines, Explainer explainer) {
    this.config = config;
    this.machines = machines;
    this.explainer = explainer;
    this.strategyName = config.placement().strategy().name();
  }

  /** The decision a task stands at now, as a second submission of it is answered. */
  Decision decision(TaskRecord rec) {
    return switch (rec.state) {
      case DISPATCHED, RUNNING, PAUSED, SUCCEEDED, FAILED -> rec.machine == null
          ? new Decision.Rejected(rec.task, why(rec))
          : new Decision.Dispatched(rec.task, rec.machine.id(), rec.attempt, rec.token, rec.chosenLoad, rec.ceiling,
              strategyName, rec.placementNote());
      case QUEUED -> new Decision.Queued(rec.task, why(rec));
      case CANCELLED, REJECTED, DEAD_LETTERED -> new Decision.Rejected(rec.task, why(rec));
    };
  }

  /** Why a task is where it is: a waiting task's reasons are worked out afresh against the machines now. */
  Explanation why(TaskRecord rec) {
    return switch (rec.state) {
      case QUEUED -> rec.delayed ? rec.why
          : explainer.queued(rec.task, rec.index, config.ceiling(rec.task.priority()), machines.all(), null,
              config.clocks().wallClock().millis());
      case DISPATCHED, RUNNING -> new Decision.Dispatched(rec.task, rec.machine.id(), rec.attempt, 1L, rec.chosenLoad,
          rec.ceiling, strategyName, rec.placementNote()).why();
      default -> rec.why;
    };
  }

  /** Every waiting task in the order the matcher will serve them: aged priority, then submission. */
  List<TaskStatus> queue(Ledger ledger, long now) {
    List<TaskRecord> waiting = new ArrayList<>(ledger.queued());
    for (TaskRecord r : ledger.live()) {
      if (r.state == TaskState.QUEUED) {
        waiting.add(r);
      }
    }
    long aging = config.placement().agingStep().toNanos();
    waiting.sort((a, b) -> a.before(b, now, aging) ? -1 : b.before(a, now, aging) ? 1 : 0);
    List<TaskStatus> out = new ArrayList<>(waiting.size());
    for (TaskRecord r : waiting) {
      out.add(r.snapshot(why(r)));
    }
    return out;
  }

  /**
   * Every live and remembered finished task in submission order. A waiting task keeps the explanation it was
   * queued with, so the listing costs no placement work however long the queue is.
   */
  List<TaskStatus> tasks(Ledger ledger) {
    List<TaskRecord> all = ledger.liveInOrder();
    java.util.Set<dev.fleet.TaskId> live = new java.util.HashSet<>();
    for (TaskRecord r : all) {
      live.add(r.task.id());
    }
    for (TaskRecord r : ledger.finishedInOrder()) {
      if (!live.contains(r.task.id())) { // an id live again after a resubmission shows once, as it is now
        all.add(r);
      }
    }
    all.sort(java.util.Comparator.comparingLong(r -> r.sequence));
    List<TaskStatus> out = new ArrayList<>(all.size());
    for (TaskRecord r : all) {
      out.add(r.snapshot(r.state == TaskState.QUEUED && r.why != null ? r.why : why(r)));
    }
    return out;
  }
}
