package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.core.Fleets;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One operation that opens room for work waiting on more capability sets than the matcher first sized for. */
class MatchManySetsTest {
  @Test
  void aMachineFreedForTwelveWaitingSetsTakesTheOldestWorkUpToItsCeilingHighestPriorityFirst() {
    FakeTicker ticker = new FakeTicker();
    Fleet fleet = Fleets.newBuilder().ticker(ticker).scheduler(new ManualScheduler(ticker))
        .eventExecutor(Runnable::run).build();
    try {
      List<String> caps = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        caps.add("c" + i);
      }
      MachineId big = MachineId.of("big");
      fleet.registry().register(new Machine(big, "big.local", "r", new LinkedHashSet<>(caps), Specs.NONE, Map.of()));
      fleet.monitor().heartbeat(Heartbeat.of(big, 1, 0.95));
      for (int i = 0; i < 12; i++) {
        ticker.advance(1_000_000L);
        fleet.dispatcher().submit(Task.newBuilder("t" + i).requires("c" + i)
            .priority(i == 11 ? Priority.HIGH : Priority.NORMAL).build());
      }
      fleet.monitor().heartbeat(Heartbeat.of(big, 2, 0.0)); // room for 8 tasks at 0.1 each under 0.8
      List<String> dispatched = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        if (fleet.dispatcher().status(TaskId.of("t" + i)).orElseThrow().state() == TaskState.DISPATCHED) {
          dispatched.add("t" + i);
        }
      }
      assertEquals(List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t11"), dispatched);
    } finally {
      fleet.close();
    }
  }
}
