package dev.fleet.core.internal;

import dev.fleet.Assignment;
import dev.fleet.Decision;
import dev.fleet.Explanation;
import dev.fleet.FleetEvent;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.UnknownTaskException;
import dev.fleet.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * Where each task is: the only writer of a task's state, attempt, token, machine and queue membership, and of
 * the queues, the delay and deadline heaps, the paused set, the load reserved for attempts and the
 * idempotency keys.
 *
 * <p>Guarded by the fleet's lock. Every durable change is passed to {@link Changes} after it is applied to
 * the record. It never matches the queue: what it frees or queues it records in {@link Openings}.
 */
final class Ledger {
  private final FleetConfig config;
  private final String strategyName;
  private final Machines machines;
  private final Openings openings;
  private final SweepPacer pacer;
  private final Explainer explainer;
  private final EventBus events;
  private final Transport transport;
  private final Changes changes;
  private final FleetLog log;
  private final LiveTasks live = new LiveTasks();
  final FinishedTasks finished;
  private final IdempotencyKeys idempotencyKeys;
  private final PriorityQueue<TaskRecord> deadlines =
      new PriorityQueue<>(Comparator.comparingLong(TaskRecord::deadlineNanos));
  /** Tasks waiting out a reschedule delay before they may be placed again. */
  private final PriorityQueue<TaskRecord> delayed =
      new PriorityQueue<>(Comparator.comparingLong((TaskRecord r) -> r.notBeforeNanos));
  /** Background attempts paused on their machines while the owner is active. */
  private final LinkedHashSet<TaskRecord> paused = new LinkedHashSet<>();
  final TokenSource tokens = new TokenSource();
  private long submissions;
  private int queued;
  final Tally tally = new Tally();

  Ledger(FleetConfig config, Machines machines, Openings openings, SweepPacer pacer, Explainer explainer,
      EventBus events, Changes changes, FleetLog log) {
    this.config = config;
    this.strategyName = config.placement().strategy().name();
    this.machines = machines;
    this.openings = openings;
    this.pacer = pacer;
    this.explainer = explainer;
    this.events = events;
    this.transport = config.transport();
    this.changes = changes;
    this.log = log;
    this.finished = FinishedTasks.within(config.limits());
    this.idempotencyKeys = new IdempotencyKeys(config);
  }

  // ---------------------------------------------------------------- reading

  /** A live or remembered finished task, or null. */
  TaskRecord find(TaskId id) {
    TaskRecord rec = live.get(id);
    return rec != null ? rec : finished.getIfPresent(id);
  }

  TaskRecord live(TaskId id) {
    return live.get(id);
  }

  TaskRecord finished(TaskId id) {
    return finished.getIfPresent(id);
  }

  Collection<TaskRecord> live() {
    return live.values();
  }

  /** The task whose current attempt has this token, or why the caller's report is refused. */
  TaskRecord current(TaskId id, long token, String what) {
    java.util.Objects.requireNonNull(id, "task id");
    TaskRecord rec = live.get(id);
    if (rec == null) {
      TaskRecord done = finished.getIfPresent(id);
      if (done == null) {
        throw new UnknownTaskException(id);
      }
      throw new StaleAttemptException(what + " for task '" + id + "' refused: it is already "
          + done.state.name().toLowerCase(Locale.ROOT));
    }
    if (rec.state == TaskState.QUEUED || rec.token != token) {
      throw new StaleAttemptException(what + " for task '" + id + "' refused: token " + Long.toUnsignedString(token)
          + " is not its current attempt (attempt " + rec.attempt + ", " + rec.state.name().toLowerCase(Locale.ROOT)
          + ")");
    }
    return rec;
  }

  /** The task first submitted with this task's idempotency key, if still remembered. */
  TaskRecord firstWithKey(Task task) {
    TaskId first = idempotencyKeys.first(task);
    return first == null ? null : find(first);
  }

  /** The payload bytes of the tasks not yet finished: what the payload budget counts. */
  long payloadBytesHeld() {
    return live.payloadBytes();
  }

  /** Tasks in the queues, ready to be placed. */
  int queued() {
    return queued;
  }

  /** Tasks waiting, in the queues or out a reschedule delay: what the queue limit counts. */
  int waiting() {
    return queued + delayed.size();
  }

  boolean anyPaused() {
    return !paused.isEmpty();
  }

  /** The paused attempts, copied: the caller may resume or move them. */
  List<TaskRecord> pausedNow() {
    return List.copyOf(paused);
  }

  // ---------------------------------------------------------------- a task's life

  /** A record for a new submission; its idempotency key is taken at once, even if it ends up rejected. */
  TaskRecord newRecord(Task task, long now, LoadIndex where) {
    TaskRecord rec = new TaskRecord(task, ++submissions, now, where);
    idempotencyKeys.taken(task);
    return rec;
  }

  /**
   * Puts a new submission in its queue behind the work that ranks ahead of it, for the matcher to decide; it
   * is not accepted yet, and {@link #withdrawTry} takes it back if the matcher leaves it waiting.
   */
  void queueToTry(TaskRecord rec) {
    live.put(rec.task.id(), rec);
    rec.state = TaskState.QUEUED;
    rec.why = Explanation.of("queued behind earlier tasks");
    rec.index.queueMade().add(rec);
    queued++;
    openings.queueGrew(rec.index);
  }

  /** Takes back a submission {@link #queueToTry} queued and the matcher left waiting. */
  void withdrawTry(TaskRecord rec) {
    live.remove(rec.task.id());
    rec.index.queue.remove(rec);
    queued--;
    rec.state = TaskState.QUEUED;
  }

  /** Accepts a new submission that fits nowhere now: it waits in its queue. */
  Decision.Queued queue(TaskRecord rec, Explanation why, long now) {
    live.put(rec.task.id(), rec);
    enqueue(rec, why);
    rec.accepted = true;
    changes.submitted(rec);
    taskEvent(rec, TaskState.QUEUED, "queued: " + why.summary(), now);
    rec.task.deadline().ifPresent(d -> pacer.noLaterThan(Nanos.plus(now, Nanos.of(d)), now));
    return new Decision.Queued(rec.task, why);
  }

  /** Refuses a new submission: it is remembered as rejected, never accepted. */
  Decision.Rejected reject(TaskRecord rec, Explanation why, long now) {
    rec.state = TaskState.REJECTED;
    rec.why = why;
    finished.put(rec.task.id(), rec);
    taskEvent(rec, TaskState.QUEUED, why.summary(), now);
    return new Decision.Rejected(rec.task, why);
  }

  /** Gives the task at the head of its queue (priority {@code priority}) an attempt on {@code slot}. */
  Decision.Dispatched assignHead(TaskRecord rec, MachineSlot slot, double ceiling, String note, long now) {
    slot.requireFreeSlot(rec.task.id()); // before the task leaves its queue
    rec.index.queue.removeHead(rec.task.priority().ordinal());
    queued--;
    return assign(rec, slot, ceiling, note, now);
  }

  /** Gives a task that is in no queue a new attempt on {@code slot}; a new submission is accepted with it. */
  Decision.Dispatched assign(TaskRecord rec, MachineSlot slot, double ceiling, String note, long now) {
    slot.requireFreeSlot(rec.task.id()); // every caller checked; this is where an attempt is added, so it holds here
    if (!rec.accepted) {
      live.put(rec.task.id(), rec);
      rec.accepted = true;
      changes.submitted(rec);
    }
    double loadBefore = slot.placementLoad();
    TaskState from = rec.state;
    rec.attempt++;
    rec.token = tokens.next();
    rec.machine = slot;
    rec.state = TaskState.DISPATCHED;
    rec.why = null;
    rec.chosenLoad = loadBefore;
    rec.ceiling = ceiling;
    rec.note = note;
    rec.resumed = null;
    rec.excluded = null;
    rec.attemptStarted(now);
    slot.tasks.add(rec);
    reserve(slot, rec);
    slot.activeTasks++;
    slot.rekey();
    changes.assigned(rec);
    Decision.Dispatched d = new Decision.Dispatched(rec.task, slot.machine.id(), rec.attempt, rec.token, loadBefore,
        ceiling, strategyName, note);
    if (transport != null) {
      Assignment a = new Assignment(rec.task, slot.machine.id(), rec.attempt, rec.token);
      events.post(() -> transport.deliver(a));
    }
    if (events.listening()) {
      taskEvent(rec, from, d.why().summary(), now);
    }
    return d;
  }

  /** The current attempt reported that it started. */
  void started(TaskRecord rec, long now) {
    if (rec.state == TaskState.PAUSED) {
      // It started before it heard of the pause; it resumes as running.
      rec.pausedFrom = TaskState.RUNNING;
      changes.started(rec);
    } else if (rec.state == TaskState.DISPATCHED) {
      TaskState from = rec.state;
      rec.state = TaskState.RUNNING;
      if (rec.reservation > 0) {
        rec.machine.addStartedUnreported(rec);
      }
      changes.started(rec);
      taskEvent(rec, from, "started on " + rec.machine.id(), now);
    }
  }

  /** The current attempt's result: the task ends. */
  void complete(TaskRecord rec, TaskResult result, long now) {
    MachineSlot slot = rec.machine;
    release(rec);
    rec.attemptEnded(result.succeeded() ? "succeeded" : "failed" + (result.message().isEmpty() ? "" : ": "
        + result.message()));
    TaskState from = rec.state;
    rec.state = result.succeeded() ? TaskState.SUCCEEDED : TaskState.FAILED;
    rec.result = result;
    rec.why = Explanation.of((result.succeeded() ? "succeeded on " : "failed on ") + slot.id()
        + ", attempt " + rec.attempt + (result.message().isEmpty() ? "" : ": " + result.message()));
    retire(rec);
    if (!result.succeeded()) {
      log.endedBadly(rec);
    }
    taskEvent(rec, from, rec.why.summary(), now);
  }

  /** Ends a live task: out of its queue or off its machine. */
  void cancel(TaskRecord rec, String reason, long now) {
    TaskState from = rec.state;
    if (from == TaskState.QUEUED) {
      leaveQueue(rec);
    } else {
      withdraw(rec, reason);
      release(rec);
      rec.attemptEnded(reason);
    }
    rec.state = TaskState.CANCELLED;
    rec.why = Explanation.of(reason);
    retire(rec);
    taskEvent(rec, from, reason, now);
  }

  /**
   * Ends a task's current attempt without a result: back to the queue for a new attempt (after its reschedule
   * delay if {@code lost}, preferring another machine), or dead-lettered once it has lost its attempts.
   */
  void requeue(TaskRecord rec, String reason, long now, boolean lost) {
    MachineSlot from = rec.machine;
    TaskState was = rec.state;
    withdraw(rec, reason);
    release(rec);
    rec.attemptEnded(reason);
    rec.token = 0;
    rec.excluded = from;
    if (lost) {
      rec.lost++;
    }
    if (rec.lost >= rec.task.maxAttempts()) {
      rec.state = TaskState.DEAD_LETTERED;
      rec.why = new Explanation("dead-lettered after " + rec.lost + " of " + rec.task.maxAttempts()
          + " attempts: " + reason, List.of(), 0, rec.history().stream().map(Object::toString).toList());
      retire(rec);
      tally.deadLettered++;
      log.endedBadly(rec);
      taskEvent(rec, was, rec.why.summary(), now);
      return;
    }
    Duration wait = lost ? rec.task.reschedule().delayBefore(rec.lost + 1) : Duration.ZERO;
    if (wait.isZero()) {
      Explanation why = explainer.queued(rec.task, rec.index, config.ceiling(rec.task.priority()), machines.all(),
          null, config.clocks().wallClock().millis());
      enqueue(rec, new Explanation(reason + "; waiting for attempt " + (rec.attempt + 1) + ": " + why.summary(),
          why.machines(), why.omitted(), why.unblockers()));
      openings.queueGrew(rec.index);
      changes.requeued(rec, reason);
      taskEvent(rec, was, reason + "; back in the queue for attempt " + (rec.attempt + 1), now);
      return;
    }
    rec.state = TaskState.QUEUED;
    rec.delayed = true;
    rec.notBeforeNanos = Nanos.plus(now, Nanos.of(wait));
    rec.why = Explanation.of(reason + "; attempt " + (rec.attempt + 1) + " after a delay of " + RulesPage.time(wait));
    delayed.add(rec);
    pacer.noLaterThan(rec.notBeforeNanos, now);
    changes.requeued(rec, reason);
    taskEvent(rec, was, rec.why.summary(), now);
  }

  /** Moves every unfinished attempt off a machine that is gone, oldest task first. */
  void vacate(MachineSlot slot, String reason, long now) {
    if (slot.tasks.isEmpty()) {
      return;
    }
    List<TaskRecord> moving = new ArrayList<>(slot.tasks);
    moving.sort(Comparator.comparingLong(r -> r.sequence));
    for (TaskRecord r : moving) {
      log.failedOver(r, reason);
      requeue(r, reason, now, true);
    }
  }

  /** Sends a victim of preemption back to the queue; it does not count as a lost attempt. */
  void preempt(TaskRecord victim, String reason, long now) {
    MachineSlot target = victim.machine;
    boolean reported = victim.reservation == 0; // its load is inside the machine's reported load by now
    double share = target.shareOf(victim.task.weight(), config.placement().loadPerTask());
    requeue(victim, reason, now, false);
    if (reported) {
      target.report(Math.max(0, target.reportedLoad - share));
    }
    target.rekey();
  }

  /** Moves a task by request to {@code target}, ending its current attempt if it has one; no ceiling applies. */
  Decision.Dispatched reroute(TaskRecord rec, MachineSlot target, long now) {
    String note;
    if (rec.state == TaskState.QUEUED) {
      leaveQueue(rec);
      note = "moved to " + target.id() + " by request";
    } else {
      note = "moved from " + rec.machine.id() + " to " + target.id() + " by request";
      withdraw(rec, note);
      release(rec);
      rec.attemptEnded(note);
    }
    return assign(rec, target, config.ceiling(rec.task.priority()), note + "; load ceiling not applied", now);
  }

  /** A heartbeat reported the load of work confirmed started before it: that work's reservations end. */
  void loadReported(MachineSlot slot) {
    List<TaskRecord> started = slot.startedUnreported();
    for (int i = 0; i < started.size(); i++) {
      unreserve(slot, started.get(i));
    }
    slot.clearStartedUnreported();
  }

  /**
   * Pauses a background attempt on its machine: same attempt and token, its load no longer counted there, the
   * machine told to pause it.
   */
  void pause(TaskRecord r, Explanation why, String reason, long now) {
    MachineSlot slot = r.machine;
    TaskState from = r.state;
    r.pausedFrom = from;
    r.state = TaskState.PAUSED;
    r.pausedAtNanos = now;
    if (r.reservation > 0) {
      unreserve(slot, r);
      slot.removeStartedUnreported(r);
    } else {
      // Its load is inside what the machine reported; take it out until the next heartbeat says afresh.
      slot.report(Math.max(0, slot.reportedLoad - slot.shareOf(r.task.weight(), config.placement().loadPerTask())));
    }
    slot.rekey();
    paused.add(r);
    r.why = why;
    if (queued > 0) {
      openings.roomOn(slot);
    }
    changes.paused(r);
    tellTransport(r, true, reason);
    taskEvent(r, from, why.summary(), now);
  }

  /** Resumes a paused attempt where it is: its load counts again until a heartbeat reports it. */
  void resume(TaskRecord r, String reason, long now) {
    MachineSlot slot = r.machine;
    paused.remove(r);
    r.state = r.pausedFrom;
    r.pausedFrom = null;
    reserve(slot, r);
    if (r.state == TaskState.RUNNING) {
      slot.addStartedUnreported(r);
    }
    slot.rekey();
    r.resumed = "resumed after a pause of " + PlacementPolicies.roughly(Duration.ofNanos(now - r.pausedAtNanos))
        + " (" + reason + ")";
    changes.resumed(r);
    tellTransport(r, false, reason);
    taskEvent(r, TaskState.PAUSED, "resumed on " + slot.id() + ": " + reason, now);
  }

  /** Puts tasks whose reschedule delay has passed back in their queues; returns when the next one is due. */
  long releaseDelayed(long now) {
    TaskRecord r;
    while ((r = delayed.peek()) != null && r.notBeforeNanos <= now) {
      delayed.poll();
      if (r.state == TaskState.QUEUED && r.delayed) {
        r.delayed = false;
        enqueue(r, explainer.queued(r.task, r.index, config.ceiling(r.task.priority()), machines.all(), null,
            config.clocks().wallClock().millis()));
        openings.queueGrew(r.index);
      }
    }
    return r == null ? Long.MAX_VALUE : r.notBeforeNanos;
  }

  /** Cancels waiting tasks whose deadline passed; returns when the next one falls due. */
  long expireDeadlines(long now) {
    TaskRecord r;
    while ((r = deadlines.peek()) != null) {
      if (r.state != TaskState.QUEUED) {
        deadlines.poll();
        continue;
      }
      long due = r.deadlineNanos();
      if (due > now) {
        return due;
      }
      deadlines.poll();
      cancel(r, "deadline of " + r.task.deadline().orElseThrow() + " passed while it waited", now);
    }
    return Long.MAX_VALUE;
  }

  // ---------------------------------------------------------------- replay

  /** A record for a task the journal knows, numbered in submission order; its key is taken again. */
  TaskRecord replayed(Task task, long submittedNanos, LoadIndex where) {
    TaskRecord rec = new TaskRecord(task, ++submissions, submittedNanos, where);
    rec.accepted = true;
    idempotencyKeys.taken(task);
    return rec;
  }

  /** Takes in a task rebuilt from the journal where its state says it is; records no change (it is journaled). */
  void reinstate(TaskRecord rec, long now) {
    switch (rec.state) {
      case QUEUED -> {
        live.put(rec.task.id(), rec);
        if (rec.delayed) { // out its reschedule delay
          delayed.add(rec);
          pacer.noLaterThan(Math.max(now, rec.notBeforeNanos), now);
        } else {
          enqueue(rec, rec.why);
          openings.queueGrew(rec.index);
          rec.task.deadline().ifPresent(d -> pacer.noLaterThan(Math.max(now, rec.deadlineNanos()), now));
        }
      }
      case DISPATCHED, RUNNING, PAUSED -> {
        live.put(rec.task.id(), rec);
        rec.machine.tasks.add(rec);
        rec.machine.activeTasks++;
        if (rec.state == TaskState.PAUSED) {
          paused.add(rec);
        } else {
          reserve(rec.machine, rec); // counted until its machine's next heartbeat reports it
          if (rec.state == TaskState.RUNNING) {
            rec.machine.addStartedUnreported(rec);
          }
        }
        rec.machine.rekey();
      }
      default -> finished.put(rec.task.id(), rec);
    }
  }

  /** Finished tasks, longest finished first, for a snapshot. */
  Iterable<TaskRecord> finishedInOrder() {
    return finished.inOrder();
  }

  /** Live tasks in submission order, for a snapshot. */
  List<TaskRecord> liveInOrder() {
    List<TaskRecord> out = new ArrayList<>(live.values());
    out.sort(Comparator.comparingLong(r -> r.sequence));
    return out;
  }

  // ---------------------------------------------------------------- bookkeeping

  private void enqueue(TaskRecord rec, Explanation why) {
    rec.state = TaskState.QUEUED;
    rec.why = why;
    rec.index.queueMade().add(rec);
    queued++;
    if (rec.task.deadline().isPresent()) {
      deadlines.add(rec);
    }
  }

  private void leaveQueue(TaskRecord rec) {
    if (rec.delayed) {
      delayed.remove(rec);
      rec.delayed = false;
    } else {
      rec.index.queue.remove(rec);
      queued--;
    }
  }

  /** Takes an attempt off its machine; the machine may have room for waiting work now. */
  private void release(TaskRecord rec) {
    MachineSlot slot = rec.machine;
    slot.tasks.remove(rec);
    if (rec.state == TaskState.PAUSED) {
      paused.remove(rec);
      rec.pausedFrom = null;
    }
    if (rec.reservation > 0) {
      unreserve(slot, rec);
      slot.removeStartedUnreported(rec);
    }
    slot.activeTasks--;
    slot.rekey();
    if (queued > 0) {
      openings.roomOn(slot);
    }
  }

  /** Counts the attempt's share of load against its machine until a heartbeat reports it. */
  private void reserve(MachineSlot slot, TaskRecord rec) {
    rec.reservation = MachineSlot.micros(slot.shareOf(rec.task.weight(), config.placement().loadPerTask()));
    slot.reservedMicros += rec.reservation;
    slot.reservations++;
  }

  private static void unreserve(MachineSlot slot, TaskRecord rec) {
    slot.reservedMicros -= rec.reservation;
    rec.reservation = 0;
    slot.reservations--;
  }

  private void retire(TaskRecord rec) {
    live.remove(rec.task.id());
    finished.retired(rec);
    changes.finished(rec);
  }

  /** Tells the transport an attempt is no longer current; called before release() forgets its token. */
  private void withdraw(TaskRecord rec, String reason) {
    if (transport != null && rec.token != 0 && rec.machine != null) {
      Assignment a = new Assignment(rec.task, rec.machine.machine.id(), rec.attempt, rec.token);
      events.post(() -> transport.withdraw(a, reason));
    }
  }

  private void tellTransport(TaskRecord rec, boolean pause, String reason) {
    if (transport != null) {
      Assignment a = new Assignment(rec.task, rec.machine.machine.id(), rec.attempt, rec.token);
      events.post(pause ? () -> transport.pause(a, reason) : () -> transport.resume(a, reason));
    }
  }

  private void taskEvent(TaskRecord rec, TaskState from, String reason, long now) {
    if (events.listening()) {
      events.post(new FleetEvent.TaskChanged(rec.task.id(), from, rec.state, rec.machineId(), rec.attempt, reason,
          now));
    }
  }
}
