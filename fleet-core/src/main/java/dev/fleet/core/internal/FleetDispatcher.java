package dev.fleet.core.internal;

import dev.fleet.Decision;
import dev.fleet.Dispatcher;
import dev.fleet.Explanation;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownTaskException;
import dev.fleet.spi.PlacementStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet's {@link Dispatcher}: submissions, attempts' reports, cancellation, moves by hand and the task reads.
 *
 * <p>Each method is one operation of the fleet's: it takes the fleet's one lock through {@link FleetCore},
 * has the rooms record what happened, and leaves through the fleet's exit, which matches the queue and waits
 * for the journal. Thread-safe.
 */
final class FleetDispatcher implements Dispatcher {
  private final FleetCore core;
  private final FleetConfig config;
  private final PlacementStrategy strategy;
  private final Placer placer;
  private final Explainer explainer;
  private final Machines machines;
  private final Ledger ledger;
  private final Matchmaker matchmaker;
  private final Answers answers;

  FleetDispatcher(FleetCore core) {
    this.core = core;
    this.config = core.config;
    this.strategy = core.strategy;
    this.placer = core.placer;
    this.explainer = core.explainer;
    this.machines = core.machines;
    this.ledger = core.ledger;
    this.matchmaker = core.matchmaker;
    this.answers = core.answers;
  }

  private void enter() {
    core.enter();
  }

  private void exit() {
    core.exit();
  }

  @Override
  public Decision submit(Task task) {
    Objects.requireNonNull(task, "task");
    enter();
    try {
      return submitLocked(task);
    } finally {
      exit();
    }
  }

  @Override
  public List<Decision> submitAll(List<Task> tasks) {
    List<Task> all = List.copyOf(tasks);
    List<Decision> out = new ArrayList<>(all.size());
    enter();
    try {
      // The whole batch or none of it, as far as payload memory goes.
      config.limits().payloads().admitAll(all, ledger.payloadBytesHeld(),
          t -> ledger.find(t.id()) == null && ledger.firstWithKey(t) == null);
      for (Task task : all) {
        out.add(submitLocked(task));
        matchmaker.match(); // each submission is a whole operation, as if submitted alone
      }
      return out;
    } finally {
      exit();
    }
  }

  private Decision submitLocked(Task task) {
    TaskRecord existing = ledger.find(task.id());
    if (existing != null) {
      if (!existing.task.equals(task)) {
        throw new IllegalStateException("task '" + task.id() + "' was already submitted with different content");
      }
      return answers.decision(existing);
    }
    TaskRecord first = ledger.firstWithKey(task);
    if (first != null) {
      return answers.decision(first);
    }
    config.limits().payloads().admit(task, ledger.payloadBytesHeld()); // before anything, even its key, is taken
    long now = config.clocks().ticker().read();
    LoadIndex where = machines.forSet(task.requires());
    TaskRecord rec = ledger.newRecord(task, now, where);
    double ceiling = config.ceiling(task.priority());
    if (matchmaker.queuedAhead(where, rec, now)) {
      // Earlier waiting work that ranks ahead gets first pick; then this task, if anything is left. This is
      // the operation's match: it runs before the new task's own placement, not after.
      ledger.queueToTry(rec);
      matchmaker.match();
      if (rec.state == TaskState.DISPATCHED) {
        return (Decision.Dispatched) answers.decision(rec);
      }
      ledger.withdrawTry(rec);
    }
    MachineSlot chosen = placer.choose(task, where, ceiling, null, now, config.clocks().wallClock());
    if (chosen != null) {
      return ledger.assign(rec, chosen, ceiling, placer.note, now);
    }
    if (placer.failure == null && config.placement().preemptionGap() > 0 && task.priority() == Priority.URGENT) {
      Decision.Dispatched d = matchmaker.preemptFor(rec, where, ceiling, now);
      if (d != null) {
        matchmaker.match(); // the evicted work may fit elsewhere
        return d;
      }
    }
    Explanation why = explainer.queued(task, where, ceiling, machines.all(), placer.failure, wallMillis());
    if (ledger.waiting() >= config.limits().maxQueuedTasks()) {
      ledger.tally.rejected++;
      return ledger.reject(rec, Explanation.of("rejected: the queue is full (" + ledger.waiting()
          + " tasks waiting, at most " + config.limits().maxQueuedTasks() + "); " + why.summary()), now);
    }
    ledger.tally.queued++;
    return ledger.queue(rec, why, now);
  }

  @Override
  public Decision plan(Task task) {
    Objects.requireNonNull(task, "task");
    enter();
    try {
      config.limits().payloads().admit(task, ledger.payloadBytesHeld());
      LoadIndex where = machines.forSet(task.requires());
      double ceiling = config.ceiling(task.priority());
      MachineSlot chosen =
          placer.choose(task, where, ceiling, null, config.clocks().ticker().read(), config.clocks().wallClock());
      if (chosen != null) {
        return new Decision.Dispatched(task, chosen.id(), 1, 0L, chosen.placementLoad(), ceiling, strategy.name(),
            placer.note);
      }
      Explanation why = explainer.queued(task, where, ceiling, machines.all(), placer.failure, wallMillis());
      if (ledger.waiting() >= config.limits().maxQueuedTasks()) {
        return new Decision.Rejected(task, Explanation.of("rejected: the queue is full; " + why.summary()));
      }
      return new Decision.Queued(task, why);
    } finally {
      exit();
    }
  }

  @Override
  public TaskStatus started(TaskId id, long token) {
    enter();
    try {
      TaskRecord rec = ledger.current(id, token, "start");
      ledger.started(rec, config.clocks().ticker().read());
      return rec.snapshot(answers.why(rec));
    } finally {
      exit();
    }
  }

  @Override
  public TaskStatus complete(TaskId id, long token, TaskResult result) {
    Objects.requireNonNull(result, "result");
    enter();
    try {
      TaskRecord rec = ledger.current(id, token, "result");
      ledger.complete(rec, result, config.clocks().ticker().read());
      ledger.tally.completed++;
      matchmaker.match();
      return rec.snapshot(rec.why);
    } finally {
      exit();
    }
  }

  @Override
  public boolean cancel(TaskId id) {
    enter();
    try {
      TaskRecord rec = ledger.live(Objects.requireNonNull(id, "task id"));
      if (rec == null) {
        if (ledger.finished(id) != null) {
          return false;
        }
        throw new UnknownTaskException(id);
      }
      ledger.cancel(rec, "cancelled by request", config.clocks().ticker().read());
      matchmaker.match();
      return true;
    } finally {
      exit();
    }
  }

  @Override
  public Decision.Dispatched reroute(TaskId id, MachineId machineId) {
    enter();
    try {
      TaskRecord rec = Refusals.movable(ledger, Objects.requireNonNull(id, "task id"));
      MachineSlot target = machines.slot(Objects.requireNonNull(machineId, "machine id"));
      Refusals.canTake(target, rec);
      if (rec.machine == target && rec.state != TaskState.QUEUED) {
        return (Decision.Dispatched) answers.decision(rec);
      }
      Refusals.hasFreeSlot(target, rec);
      Decision.Dispatched d = ledger.reroute(rec, target, config.clocks().ticker().read());
      matchmaker.match();
      return d;
    } finally {
      exit();
    }
  }

  @Override
  public Optional<TaskStatus> status(TaskId id) {
    enter();
    try {
      TaskRecord rec = ledger.find(Objects.requireNonNull(id, "task id"));
      return rec == null ? Optional.empty() : Optional.of(rec.snapshot(answers.why(rec)));
    } finally {
      exit();
    }
  }

  @Override
  public Explanation explain(TaskId id) {
    enter();
    try {
      TaskRecord rec = ledger.find(Objects.requireNonNull(id, "task id"));
      if (rec == null) {
        throw new UnknownTaskException(id);
      }
      return answers.why(rec);
    } finally {
      exit();
    }
  }

  @Override
  public List<TaskStatus> queue() {
    enter();
    try {
      return answers.queue(ledger, config.clocks().ticker().read());
    } finally {
      exit();
    }
  }

  @Override
  public List<TaskStatus> tasks() {
    enter();
    try {
      return answers.tasks(ledger);
    } finally {
      exit();
    }
  }

  private long wallMillis() {
    return config.clocks().wallClock().millis();
  }
}
