package dev.fleet.core.internal;

import dev.fleet.TaskId;
import java.util.Collection;
import java.util.HashMap;

/**
 * The tasks not yet finished, by id, and the payload bytes they hold: what the fleet's payload budget
 * ({@link PayloadBudget}) counts. A task's bytes are counted from when it becomes live until it leaves, however it
 * ends (result, final failure, cancellation, a passed deadline); a finished task no longer counts.
 *
 * <p>Guarded by the fleet's lock.
 */
final class LiveTasks {
  private final HashMap<TaskId, TaskRecord> byId = new HashMap<>();
  private long payloadBytes;

  TaskRecord get(TaskId id) {
    return byId.get(id);
  }

  void put(TaskId id, TaskRecord rec) {
    TaskRecord before = byId.put(id, rec);
    if (before != null) {
      payloadBytes -= before.task.payload().size();
    }
    payloadBytes += rec.task.payload().size();
  }

  void remove(TaskId id) {
    TaskRecord gone = byId.remove(id);
    if (gone != null) {
      payloadBytes -= gone.task.payload().size();
    }
  }

  Collection<TaskRecord> values() {
    return byId.values();
  }

  /** The payload bytes of every task here. */
  long payloadBytes() {
    return payloadBytes;
  }
}
