package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.FleetStats;
import dev.fleet.Health;
import dev.fleet.Priority;
import dev.fleet.Subscription;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import dev.fleet.testing.MemoryJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link FleetStats}: a snapshot's counters and groups are exactly what the fleet did and holds, with a journal and
 * without one; the journal's sync waits reach a watcher until it is closed.
 */
class FleetStatsTest {

  @Test
  void aSnapshotCountsWhatTheFleetDidAndGroupsWhatItHolds() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = new TestFleet(b -> b.journal(journal).maxQueuedTasks(1))) {
      FleetStats stats = t.fleet.stats().orElseThrow();
      List<Long> syncs = new ArrayList<>();
      Subscription watching = stats.watchJournalSyncs(syncs::add);
      t.fleet.registry().register(TestFleet.machine("a", "primary", "code"));
      t.fleet.registry().register(TestFleet.machine("b", "primary", "code"));
      t.fleet.registry().register(TestFleet.machine("c", "cron", "alerts"), Health.OFFLINE, 0.0);
      assertTrue(t.beat("a", 0.1));
      assertTrue(t.beat("b", 0.2));
      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("t1").requires("code").build());
      Decision.Dispatched first = (Decision.Dispatched) d;
      t.fleet.dispatcher().started(first.task().id(), first.token());
      t.fleet.dispatcher().complete(first.task().id(), first.token(), TaskResult.success());
      assertTrue(t.fleet.dispatcher().submit(Task.newBuilder("t2").requires("gpu").priority(Priority.HIGH).build())
          instanceof Decision.Queued);
      assertTrue(t.fleet.dispatcher().submit(Task.newBuilder("t3").requires("gpu").build())
          instanceof Decision.Rejected, "the queue holds one");

      FleetStats.Snapshot s = stats.snapshot();
      assertEquals(2, s.heartbeats());
      assertEquals(1, s.dispatched());
      assertEquals(1, s.queued());
      assertEquals(1, s.rejected());
      assertEquals(1, s.completed());
      assertEquals(0, s.failovers());
      assertEquals(0, s.deadLettered());
      assertEquals(0, s.delayed());
      assertEquals(Map.of(new FleetStats.MachineGroup(Health.ONLINE, "primary"), 2,
          new FleetStats.MachineGroup(Health.OFFLINE, "cron"), 1), s.machines());
      assertEquals(3, s.machineCount());
      assertEquals(Map.of(new FleetStats.QueueGroup(Priority.HIGH, Set.of("gpu")), 1), s.queue());
      assertEquals(1, s.queuedNow());
      assertTrue(s.journaled());
      assertTrue(s.journalAppends() >= 6, "registrations, heartbeats' changes and the tasks: " + s);
      assertEquals(s.journalSyncs(), syncs.size(), "every wait told");
      assertTrue(s.journalSyncs() > 0);
      assertEquals(syncs.stream().mapToLong(Long::longValue).sum(), s.journalSyncNanos());
      assertEquals(Optional.empty(), s.journalFailure());

      watching.close();
      int told = syncs.size();
      t.fleet.registry().register(TestFleet.machine("d", "cron", "alerts"));
      assertEquals(told, syncs.size(), "nothing told once closed");
      assertTrue(stats.snapshot().journalSyncs() > s.journalSyncs());
      assertTrue(stats.snapshot().journalAppends() > s.journalAppends());
    }
  }

  @Test
  void withoutAJournalTheJournalCountsAreZeroAndNothingIsWatched() {
    try (TestFleet t = new TestFleet()) {
      FleetStats stats = t.fleet.stats().orElseThrow();
      List<Long> syncs = new ArrayList<>();
      try (Subscription watching = stats.watchJournalSyncs(syncs::add)) {
        t.fleet.registry().register(TestFleet.machine("a", "worker", "code"));
        t.fleet.dispatcher().submit(Task.newBuilder("t1").requires("gpu").build());
      }
      FleetStats.Snapshot s = stats.snapshot();
      assertFalse(s.journaled());
      assertEquals(0, s.journalAppends());
      assertEquals(0, s.journalSyncs());
      assertEquals(0, s.journalSyncNanos());
      assertEquals(List.of(), syncs);
      assertEquals(Map.of(new FleetStats.MachineGroup(Health.ONLINE, "worker"), 1), s.machines());
      assertEquals(Map.of(new FleetStats.QueueGroup(Priority.NORMAL, Set.of("gpu")), 1), s.queue());
    }
  }

  @Test
  void aSnapshotRefusesANegativeCountNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FleetStats.Snapshot(1, 2, 3,
        -4, 5, 6, 7, Map.of(), Map.of(), 0, false, 0, 0, 0, Optional.empty()));
    assertTrue(e.getMessage().contains("-4"), e.getMessage());
    assertThrows(NullPointerException.class, () -> new FleetStats.MachineGroup(null, "r"));
  }
}
