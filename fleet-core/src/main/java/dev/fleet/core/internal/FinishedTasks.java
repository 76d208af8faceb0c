package dev.fleet.core.internal;

import dev.fleet.TaskId;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The most recently finished tasks, for status queries and duplicate detection: up to a fixed number, and up to a
 * number of payload bytes (their payloads and result outputs), so a client that submits large payloads and
 * cancels them cannot fill the heap with what is kept after the payload budget freed it. The longest finished is
 * forgotten first; the newest is always kept.
 *
 * <p>A plain insertion-ordered map: every access is under the fleet's lock, so a concurrent cache's
 * buffers and frequency sketch would be pure cost on every finished task. Guarded by the fleet's lock.
 */
final class FinishedTasks {
  private final int capacity;
  private final long maxPayloadBytes;
  private final LinkedHashMap<TaskId, Kept> byId = new LinkedHashMap<>();
  private long payloadBytes;
  /** Told of each task that ends in this run (not of those a replay brings back): the capacity history. */
  private java.util.function.Consumer<TaskRecord> onRetired = rec -> { };

  /** A remembered task and the payload bytes it was counted with. */
  private record Kept(TaskRecord rec, long bytes) {}

  /** Bounded as the fleet's limits say: by count, and by the same bytes as the payloads of unfinished tasks. */
  static FinishedTasks within(FleetConfig.Limits limits) {
    return new FinishedTasks(limits.finishedTaskRetention(), limits.payloads().maxHeldBytes());
  }

  FinishedTasks(int capacity, long maxPayloadBytes) {
    if (capacity < 0) {
      throw new IllegalArgumentException("finished task retention must be >= 0, got " + capacity);
    }
    this.capacity = capacity;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** Sets who is told of each task that ends from now on; set once, while the fleet is built. */
  void onRetired(java.util.function.Consumer<TaskRecord> hook) {
    onRetired = java.util.Objects.requireNonNull(hook, "hook");
  }

  /** A task that ended now: told, then kept like any finished one. */
  void retired(TaskRecord rec) {
    onRetired.accept(rec);
    put(rec.task.id(), rec);
  }

  void put(TaskId id, TaskRecord rec) {
    if (capacity == 0) {
      return;
    }
    forget(byId.remove(id)); // finished again (a resubmitted id): it becomes the most recent
    long bytes = rec.task.payload().size() + (rec.result == null ? 0L : rec.result.output().size());
    byId.put(id, new Kept(rec, bytes));
    payloadBytes += bytes;
    Iterator<Kept> eldest = byId.values().iterator();
    while (byId.size() > 1 && (byId.size() > capacity || payloadBytes > maxPayloadBytes)) {
      forget(eldest.next());
      eldest.remove();
    }
  }

  private void forget(Kept kept) {
    if (kept != null) {
      payloadBytes -= kept.bytes();
    }
  }

  /** Every remembered task, longest finished first. */
  Iterable<TaskRecord> inOrder() {
    return () -> new Iterator<>() {
      private final Iterator<Kept> kept = byId.values().iterator();

      @Override
      public boolean hasNext() {
        return kept.hasNext();
      }

      @Override
      public TaskRecord next() {
        return kept.next().rec();
      }
    };
  }

  TaskRecord getIfPresent(TaskId id) {
    Kept kept = byId.get(id);
    return kept == null ? null : kept.rec();
  }
}
