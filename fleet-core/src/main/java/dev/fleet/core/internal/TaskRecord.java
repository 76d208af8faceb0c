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

  TaskRecord(Task task, long sequence, long submittedNanos, LoadIndex index) {
    this.task = task;
    this.sequence = sequence;
    this.submittedNanos = submittedNanos;
    this.index = index;
  }

  /** Whether this task comes before {@code other} in the queue: higher priority, then earlier. */
  boolean before(TaskRecord other) {
    int p = task.priority().compareTo(other.task.priority());
    return p < 0 || (p == 0 && sequence < other.sequence);
  }

  Optional<MachineId> machineId() {
    return machine == null ? Optional.empty() : Optional.of(machine.machine.id());
  }

  TaskStatus snapshot(Explanation explanation) {
    return new TaskStatus(task, state, machineId(), attempt, explanation, Optional.ofNullable(result));
  }
}
