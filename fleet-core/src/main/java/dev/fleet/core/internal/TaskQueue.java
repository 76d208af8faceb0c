package dev.fleet.core.internal;

import dev.fleet.Priority;
import java.util.ArrayDeque;

/**
 * Waiting tasks that require one capability set: a FIFO per priority.
 *
 * <p>Guarded by the fleet's lock.
 */
final class TaskQueue {
  private static final Priority[] PRIORITIES = Priority.values();
  private final ArrayDeque<TaskRecord>[] byPriority;
  private int size;

  @SuppressWarnings("unchecked")
  TaskQueue() {
    byPriority = new ArrayDeque[PRIORITIES.length];
  }

  void add(TaskRecord task) {
    int p = task.task.priority().ordinal();
    if (byPriority[p] == null) {
      byPriority[p] = new ArrayDeque<>();
    }
    ArrayDeque<TaskRecord> q = byPriority[p];
    TaskRecord last = q.peekLast();
    if (last == null || last.sequence < task.sequence) {
      q.addLast(task);
    } else {
      // A retried task keeps its place by submission order; rare, so a rebuild is fine.
      ArrayDeque<TaskRecord> sorted = new ArrayDeque<>(q.size() + 1);
      boolean placed = false;
      for (TaskRecord r : q) {
        if (!placed && task.sequence < r.sequence) {
          sorted.addLast(task);
          placed = true;
        }
        sorted.addLast(r);
      }
      if (!placed) {
        sorted.addLast(task);
      }
      byPriority[p] = sorted;
    }
    size++;
  }

  /** The oldest waiting task of the given priority, or null. */
  TaskRecord head(int priority) {
    ArrayDeque<TaskRecord> q = byPriority[priority];
    return q == null ? null : q.peekFirst();
  }

  void removeHead(int priority) {
    byPriority[priority].pollFirst();
    size--;
  }

  boolean remove(TaskRecord task) {
    ArrayDeque<TaskRecord> q = byPriority[task.task.priority().ordinal()];
    if (q != null && q.remove(task)) {
      size--;
      return true;
    }
    return false;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** How many tasks of the given priority wait here. */
  int size(int priority) {
    ArrayDeque<TaskRecord> q = byPriority[priority];
    return q == null ? 0 : q.size();
  }

  static int priorities() {
    return PRIORITIES.length;
  }
}
