package dev.fleet.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fleet.Task;
import dev.fleet.TaskId;

/**
 * Which task was first submitted with each idempotency key, for a bounded time and number of keys, so a
 * second submission with the same key gets the first task's answer.
 *
 * <p>Part of the {@link Ledger}'s state: guarded by the fleet's lock, written only by the ledger.
 */
final class IdempotencyKeys {
  private final Cache<String, TaskId> byKey;

  IdempotencyKeys(FleetConfig config) {
    // Cache upkeep (expiry, eviction) runs on the calling thread, under the fleet's lock, amortised O(1): the
    // default hands it to ForkJoinPool.commonPool(), a thread wake-up on almost every keyed submission.
    this.byKey = Caffeine.newBuilder()
        .executor(Runnable::run)
        .maximumSize(Math.max(1, config.limits().finishedTaskRetention()))
        .expireAfterWrite(config.limits().idempotencyWindow())
        .ticker(config.clocks().ticker()::read)
        .build();
  }

  /** Remembers the task as the first with its key, if it has one. */
  void taken(Task task) {
    if (task.idempotencyKey().isPresent()) {
      byKey.put(task.idempotencyKey().get(), task.id());
    }
  }

  /** The task first submitted with this task's key, or null. */
  TaskId first(Task task) {
    return task.idempotencyKey().isEmpty() ? null : byKey.getIfPresent(task.idempotencyKey().get());
  }
}
