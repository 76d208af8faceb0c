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
    byPriority[p].addLast(task);
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

  static int priorities() {
    return PRIORITIES.length;
  }
}
