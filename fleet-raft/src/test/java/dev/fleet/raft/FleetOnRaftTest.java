package dev.fleet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.core.Fleets;
import dev.fleet.spi.JournalException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real fleet engine on a replicated journal: what the leader's fleet acknowledged is what the next leader's
 * fleet knows after the first one crashed, snapshots included; a cut-off leader's fleet acknowledges nothing.
 */
@Timeout(60)
class FleetOnRaftTest {
  private static final MachineId A = MachineId.of("a");

  private static Fleet fleet(RaftJournal journal) {
    // A snapshot every few records, so the fleet's snapshots go through Raft too.
    return Fleets.newBuilder().journal(journal).snapshotEvery(8).build();
  }

  @Test
  void theNextLeadersFleetKnowsEveryAcknowledgedChange() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal first = c.awaitLeader(Duration.ofSeconds(15), c.names());
      Fleet one = fleet(first);
      one.registry().register(new Machine(A, "a.local", "worker", Set.of("cpu"), Specs.NONE, Map.of()));
      one.monitor().heartbeat(Heartbeat.of(A, 1, 0.0));
      Map<String, Long> tokens = new HashMap<>();
      for (int i = 1; i <= 6; i++) {
        Decision d = one.dispatcher().submit(Task.newBuilder("t" + i).requires("cpu").build());
        if (d instanceof Decision.Dispatched dispatched) {
          tokens.put("t" + i, dispatched.token());
        }
      }
      assertTrue(tokens.containsKey("t1"), "t1 was dispatched: " + tokens);
      one.dispatcher().complete(TaskId.of("t1"), tokens.get("t1"), TaskResult.success());

      List<String> survivors = new ArrayList<>(c.names());
      survivors.remove(first.name());
      c.crash(first.name());
      one.close(); // its engine's threads; the journal under it is gone already
      RaftJournal second = c.awaitLeader(Duration.ofSeconds(5), survivors);
      try (Fleet two = fleet(second)) {
        assertEquals(TaskState.SUCCEEDED, two.dispatcher().status(TaskId.of("t1")).orElseThrow().state());
        for (int i = 2; i <= 6; i++) {
          assertTrue(two.dispatcher().status(TaskId.of("t" + i)).isPresent(), "t" + i + " survived the failover");
        }
        assertThrows(StaleAttemptException.class,
            () -> two.dispatcher().complete(TaskId.of("t1"), tokens.get("t1"), TaskResult.success()),
            "the result accepted by the first leader is not accepted twice");
        assertInstanceOf(Decision.class, two.dispatcher().submit(Task.newBuilder("t7").requires("cpu").build()));
      }
    }
  }

  @Test
  void aCutOffLeadersFleetAcknowledgesNothing() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal old = c.awaitLeader(Duration.ofSeconds(15), c.names());
      Fleet stale = fleet(old);
      stale.registry().register(new Machine(A, "a.local", "worker", Set.of("cpu"), Specs.NONE, Map.of()));
      List<String> majority = new ArrayList<>(c.names());
      majority.remove(old.name());

      c.cutOff(old.name());
      assertThrows(JournalException.class,
          () -> stale.dispatcher().submit(Task.newBuilder("lost").requires("cpu").build()));
      RaftJournal next = c.awaitLeader(Duration.ofSeconds(10), majority);
      try (Fleet fresh = fleet(next)) {
        assertTrue(fresh.dispatcher().status(TaskId.of("lost")).isEmpty(), "the refused submission is nowhere");
        assertTrue(fresh.registry().get(A).isPresent(),
            "what the old leader acknowledged is kept");
      }
      stale.close();
    }
  }
}
