package dev.fleet;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * A read-only view of a fleet's counts, for metrics: what it did since it was built (plain counters the fleet
 * increments where things happen anyway) and what it holds now (machines by health and role, waiting tasks by
 * priority and capabilities), read together in one {@link #snapshot()}.
 *
 * Given by {@link Fleet#stats()} for a fleet that keeps counts (one built by fleet-core's builder).
 *
 * <p>Thread-safe. A snapshot takes the fleet's lock once, for a walk over its machines and one count per
 * capability set: cheap enough to take at every scrape, not meant for every request.
 */
public interface FleetStats {

  /**
   * The counts now, all read at one instant under the fleet's lock.
   *
   * @return an immutable snapshot
   */
  Snapshot snapshot();

  /**
   * Tells {@code watcher} how long each wait for the journal took (nanoseconds of the fleet's ticker, on the
   * thread that waited, after the lock was released): the sync of a change to stable storage, shared by every
   * change in the same group commit. Nothing is told for a fleet without a journal.
   *
   * @param watcher told each wait's nanoseconds; must be quick and must not call the fleet
   * @return closing it stops the telling; {@link dev.fleet.Subscription#close()} throws nothing and may be called
   *     more than once
   */
  dev.fleet.Subscription watchJournalSyncs(LongConsumer watcher);

  /**
   * A fleet's counts at one instant.
   *
   * @param heartbeats heartbeats accepted since the fleet was built (stale and repeated ones are not counted)
   * @param dispatched attempts given to machines: first dispatches, retries and reroutes
   * @param queued new submissions accepted that had to wait
   * @param rejected new submissions refused
   * @param completed tasks that finished with a result, successful or not
   * @param failovers attempts moved off a machine that was gone (offline, left, restarted, past its drain)
   * @param deadLettered tasks that lost their machine on every attempt they were allowed
   * @param machines how many machines have each health and role; groups with none are absent
   * @param queue how many tasks wait in the queue for each priority and set of capabilities they need;
   *     groups with none are absent
   * @param delayed tasks waiting out a reschedule delay before their next attempt (not in {@code queue})
   * @param journaled whether the fleet has a journal; the journal counts are 0 if not
   * @param journalAppends records appended to the journal since it was opened (replayed ones not counted)
   * @param journalSyncs waits for the journal to make changes durable
   * @param journalSyncNanos the nanoseconds those waits took in all
   * @param journalFailure why the fleet stopped taking changes, if its journal failed
   */
  record Snapshot(long heartbeats, long dispatched, long queued, long rejected, long completed, long failovers,
      long deadLettered, Map<MachineGroup, Integer> machines, Map<QueueGroup, Integer> queue, int delayed,
      boolean journaled, long journalAppends, long journalSyncs, long journalSyncNanos,
      Optional<String> journalFailure) {
    /**
     * Checks the counts and copies the maps.
     *
     * @param heartbeats heartbeats accepted since the fleet was built (stale and repeated ones are not counted)
     * @param dispatched attempts given to machines: first dispatches, retries and reroutes
     * @param queued new submissions accepted that had to wait
     * @param rejected new submissions refused
     * @param completed tasks that finished with a result, successful or not
     * @param failovers attempts moved off a machine that was gone (offline, left, restarted, past its drain)
     * @param deadLettered tasks that lost their machine on every attempt they were allowed
     * @param machines how many machines have each health and role; groups with none are absent
     * @param queue how many tasks wait in the queue for each priority and set of capabilities they need;
     *     groups with none are absent
     * @param delayed tasks waiting out a reschedule delay before their next attempt (not in {@code queue})
     * @param journaled whether the fleet has a journal; the journal counts are 0 if not
     * @param journalAppends records appended to the journal since it was opened (replayed ones not counted)
     * @param journalSyncs waits for the journal to make changes durable
     * @param journalSyncNanos the nanoseconds those waits took in all
     * @param journalFailure why the fleet stopped taking changes, if its journal failed
     * @throws IllegalArgumentException if a count is negative; the message gives it
     * @throws NullPointerException if a map or {@code journalFailure} is null
     */
    public Snapshot {
      long[] counts = {heartbeats, dispatched, queued, rejected, completed, failovers, deadLettered, delayed,
          journalAppends, journalSyncs, journalSyncNanos};
      for (long c : counts) {
        if (c < 0) {
          throw new IllegalArgumentException("counts must be >= 0, got " + c);
        }
      }
      machines = Map.copyOf(machines);
      queue = Map.copyOf(queue);
      Objects.requireNonNull(journalFailure, "journalFailure");
    }

    /**
     * Every machine registered, whatever its health.
     *
     * @return the sum over {@link #machines}
     */
    public int machineCount() {
      return machines.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Every task waiting in the queue (not counting {@link #delayed}).
     *
     * @return the sum over {@link #queue}
     */
    public int queuedNow() {
      return queue.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * Machines of one health and role.
   *
   * @param health their health
   * @param role their role, {@code ""} for machines without one
   */
  record MachineGroup(Health health, String role) {
    /**
     * Checks that both are given.
     *
     * @param health their health
     * @param role their role, {@code ""} for machines without one
     * @throws NullPointerException if {@code health} or {@code role} is null
     */
    public MachineGroup {
      Objects.requireNonNull(health, "health");
      Objects.requireNonNull(role, "role");
    }
  }

  /**
   * Waiting tasks of one priority that need exactly one set of capabilities.
   *
   * @param priority their priority
   * @param capabilities what they need; empty for tasks any machine can run
   */
  record QueueGroup(Priority priority, Set<String> capabilities) {
    /**
     * Checks the priority and copies the capabilities.
     *
     * @param priority their priority
     * @param capabilities what they need; empty for tasks any machine can run
     * @throws NullPointerException if {@code priority} or {@code capabilities} (or one of them) is null
     */
    public QueueGroup {
      Objects.requireNonNull(priority, "priority");
      capabilities = Set.copyOf(capabilities);
    }
  }
}
