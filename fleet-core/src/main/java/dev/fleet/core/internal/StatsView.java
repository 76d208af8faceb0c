package dev.fleet.core.internal;

import dev.fleet.Priority;
import dev.fleet.FleetStats;
import dev.fleet.spi.JournalException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * A fleet's {@link FleetStats}: copies the {@link Tally} and counts machines and queues under the fleet's lock,
 * once per snapshot.
 *
 * <p>Thread-safe: every read of the fleet's state is under its lock.
 */
final class StatsView implements FleetStats {
  private static final List<Priority> PRIORITIES = List.of(Priority.values());
  private final FleetCore core;

  StatsView(FleetCore core) {
    this.core = core;
  }

  @Override
  public Snapshot snapshot() {
    Map<MachineGroup, Integer> machines = new HashMap<>();
    Map<QueueGroup, Integer> queue = new HashMap<>();
    Tally t = core.ledger.tally;
    long heartbeats;
    long dispatched;
    long queued;
    long rejected;
    long completed;
    long failovers;
    long deadLettered;
    int delayed;
    long appends = 0;
    core.lock.lock();
    try {
      heartbeats = t.heartbeats;
      dispatched = core.ledger.tokens.issued();
      queued = t.queued;
      rejected = t.rejected;
      completed = t.completed;
      failovers = t.failovers;
      deadLettered = t.deadLettered;
      delayed = core.ledger.waiting() - core.ledger.queued();
      for (MachineSlot slot : core.machines.all()) {
        machines.merge(new MachineGroup(slot.health, slot.machine.role()), 1, Integer::sum);
      }
      core.machines.forEachQueue((capabilities, q) -> {
        for (int p = 0; p < PRIORITIES.size(); p++) {
          int n = q.size(p);
          if (n > 0) {
            queue.merge(new QueueGroup(PRIORITIES.get(p), capabilities), n, Integer::sum);
          }
        }
      });
      if (core.durability != null) {
        appends = core.durability.appendsSinceOpen();
      }
    } finally {
      core.lock.unlock();
    }
    Durability d = core.durability;
    JournalException stopped = d == null ? null : d.stopped();
    return new Snapshot(heartbeats, dispatched, queued, rejected, completed, failovers, deadLettered, machines,
        queue, delayed, d != null, appends, d == null ? 0 : d.syncs(), d == null ? 0 : d.syncNanos(),
        Optional.ofNullable(stopped).map(JournalException::getMessage));
  }

  @Override
  public dev.fleet.Subscription watchJournalSyncs(LongConsumer watcher) {
    java.util.Objects.requireNonNull(watcher, "watcher");
    Durability d = core.durability;
    return d == null ? () -> { } : d.watchSyncs(watcher);
  }
}
