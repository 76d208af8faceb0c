package dev.fleet.core.internal;

import dev.fleet.TaskId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently finished tasks, up to a fixed number, for status queries and duplicate detection; the
 * longest finished is forgotten first.
 *
 * <p>A plain insertion-ordered map: every access is under the fleet's lock, so a concurrent cache's
 * buffers and frequency sketch would be pure cost on every finished task. Guarded by the fleet's lock.
 */
final class FinishedTasks {
  private final int capacity;
  private final LinkedHashMap<TaskId, TaskRecord> byId;

  FinishedTasks(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("finished task retention must be >= 0, got " + capacity);
    }
    this.capacity = capacity;
    this.byId = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<TaskId, TaskRecord> eldest) {
        return size() > FinishedTasks.this.capacity;
      }
    };
  }

  void put(TaskId id, TaskRecord rec) {
    if (capacity > 0) {
      byId.remove(id); // finished again (a resubmitted id): it becomes the most recent
      byId.put(id, rec);
    }
  }

  /** Every remembered task, longest finished first. */
  Iterable<TaskRecord> inOrder() {
    return byId.values();
  }

  TaskRecord getIfPresent(TaskId id) {
    return byId.get(id);
  }
}
