package dev.fleet.core.internal;

import dev.fleet.Explanation;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.util.Optional;

/**
 * The fleet's mutable record of one task through its life.
 *
 * <p>Guarded by the fleet's lock.
 */
final class TaskRecord {
  final Task task;
  /** Submission order; FIFO within a priority. */
  final long sequence;
  final long submittedNanos;
  final LoadIndex index;
  TaskState state = TaskState.QUEUED;
  /** Whether the ledger accepted it (queued it or gave it an attempt); a rejected task never is. */
  boolean accepted;
  int attempt;
  long token;
  MachineSlot machine;
  /** Load in millionths still counted against the machine for this task; 0 once a heartbeat reported it. */
  long reservation;
  /** The machine's load and the ceiling when this attempt was placed, for its explanation. */
  double chosenLoad;
  double ceiling;
  Explanation why;
  TaskResult result;
  /** The machine that lost the last attempt; the next attempt prefers any other. */
  MachineSlot excluded;
  /** While waiting out a reschedule delay: when it may be placed again. */
  long notBeforeNanos;
  boolean delayed;
  /** A note for the current attempt's explanation, e.g. why a backup took it; null for none. */
  String note;
  /** While PAUSED: the state it resumes to (DISPATCHED or RUNNING), and when it paused. */
  TaskState pausedFrom;
  long pausedAtNanos;
  /** How the current attempt last resumed from a pause, for its explanation; null if it never paused. */
  String resumed;
  private java.util.List<dev.fleet.Attempt> history;

  TaskRecord(Task task, long sequence, long submittedNanos, LoadIndex index) {
    this.task = task;
    this.sequence = sequence;
    this.submittedNanos = submittedNanos;
    this.index = index;
  }

  /** Attempts lost to a machine going away; the task is dead-lettered when they reach maxAttempts. */
  int lost;

  /**
   * Whether this task comes before {@code other} in the queue: higher priority, then earlier. With aging,
   * a task gains one priority level for every {@code agingStepNanos} it has waited, so low priorities
   * never starve.
   */
  boolean before(TaskRecord other, long now, long agingStepNanos) {
    int p = Integer.compare(agedPriority(now, agingStepNanos), other.agedPriority(now, agingStepNanos));
    return p < 0 || (p == 0 && sequence < other.sequence);
  }

  /** When its deadline passes, in ticker time; Long.MAX_VALUE if it has none. */
  long deadlineNanos() {
    return task.deadline().isEmpty() ? Long.MAX_VALUE : Nanos.plus(submittedNanos, Nanos.of(task.deadline().get()));
  }

  int agedPriority(long now, long agingStepNanos) {
    int p = task.priority().ordinal();
    if (agingStepNanos <= 0 || p == 0) {
      return p;
    }
    long levels = Math.max(0, now - submittedNanos) / agingStepNanos;
    return (int) Math.max(0, p - Math.min(p, levels));
  }

  /** The note the current attempt's explanation carries: why its machine, and how it last resumed. */
  String placementNote() {
    String n = note == null ? "" : note;
    return resumed == null ? n : n.isEmpty() ? resumed : n + "; " + resumed;
  }

  Optional<MachineId> machineId() {
    return machine == null ? Optional.empty() : Optional.of(machine.machine.id());
  }

  void attemptStarted(long nowNanos) {
    if (history == null) {
      history = new java.util.ArrayList<>(2);
    }
    history.add(new dev.fleet.Attempt(attempt, machine.machine.id(), nowNanos, ""));
  }

  void attemptEnded(String ending) {
    int last = history.size() - 1;
    dev.fleet.Attempt a = history.get(last);
    history.set(last, new dev.fleet.Attempt(a.number(), a.machine(), a.dispatchedAtNanos(), ending));
  }

  /** Sets the attempts a replayed task had; its current attempt is the last. */
  void restoreHistory(java.util.List<dev.fleet.Attempt> attempts) {
    history = attempts.isEmpty() ? null : new java.util.ArrayList<>(attempts);
    attempt = attempts.isEmpty() ? 0 : attempts.get(attempts.size() - 1).number();
  }

  java.util.List<dev.fleet.Attempt> history() {
    return history == null ? java.util.List.of() : history;
  }

  TaskStatus snapshot(Explanation explanation) {
    return new TaskStatus(task, state, machineId(), attempt, explanation, Optional.ofNullable(result), history());
  }
}
