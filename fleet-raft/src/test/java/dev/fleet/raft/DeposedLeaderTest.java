package dev.fleet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Assignment;
import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.core.Fleets;
import dev.fleet.spi.JournalException;
import dev.fleet.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Why attempt tokens need not carry the term: the fleet tells a machine of an assignment only once the journal
 * has it durable, and a deposed leader's journal makes nothing durable. So a leader cut off from the majority
 * hands out no attempt and accepts no result, and what it handed out before is known to the next leader, which
 * accepts those tokens.
 */
@Timeout(60)
class DeposedLeaderTest {
  private static final MachineId A = MachineId.of("a");

  /** What the fleet handed to the machines. */
  static final class Deliveries implements Transport {
    final List<Assignment> delivered = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(Assignment assignment) {
      delivered.add(assignment);
    }

    @Override
    public void withdraw(Assignment assignment, String reason) {}
  }

  @Test
  void aCutOffLeaderDeliversNothingAndAcceptsNoResult() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal old = c.awaitLeader(Duration.ofSeconds(15), c.names());
      Deliveries toMachines = new Deliveries();
      Fleet stale = Fleets.newBuilder().journal(old).transport(toMachines).build();
      stale.registry().register(new Machine(A, "a.local", "worker", Set.of("cpu"), Specs.NONE, Map.of()));
      stale.monitor().heartbeat(Heartbeat.of(A, 1, 0.0));
      Decision d = stale.dispatcher().submit(Task.newBuilder("before").requires("cpu").build());
      long token = ((Decision.Dispatched) d).token();
      Await.until(Duration.ofSeconds(5), () -> toMachines.delivered.size() == 1, () -> "delivered " + toMachines.delivered);

      List<String> majority = new ArrayList<>(c.names());
      majority.remove(old.name());
      c.cutOff(old.name());
      assertThrows(JournalException.class,
          () -> stale.dispatcher().submit(Task.newBuilder("during").requires("cpu").build()));
      assertThrows(JournalException.class,
          () -> stale.dispatcher().complete(TaskId.of("before"), token, TaskResult.success()));
      assertEquals(1, toMachines.delivered.size(), "nothing more reached a machine: " + toMachines.delivered);

      RaftJournal next = c.awaitLeader(Duration.ofSeconds(10), majority);
      try (Fleet fresh = Fleets.newBuilder().journal(next).build()) {
        assertTrue(fresh.dispatcher().status(TaskId.of("during")).isEmpty(), "the refused submission is nowhere");
        fresh.monitor().heartbeat(Heartbeat.of(A, 2, 0.0));
        fresh.dispatcher().complete(TaskId.of("before"), token, TaskResult.success());
        assertEquals(dev.fleet.TaskState.SUCCEEDED, fresh.dispatcher().status(TaskId.of("before")).orElseThrow()
            .state(), "the token the old leader handed out is good with the new leader");
      }
      assertEquals(1, toMachines.delivered.size());
      stale.close();
    }
  }
}
