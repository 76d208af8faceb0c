package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.spi.PlacementStrategy;
import dev.fleet.testing.FakeTicker;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strategy in docs/writing-a-strategy.md, kept compiling and true. Edit both together. */
class WritingAStrategyDocTest {

  @Test
  void preferRolePrefersTheTasksRoleThenFallsBackByLoad() {
    PlacementStrategy preferRole = PlacementStrategy.of("prefer-role",
        (task, machine) -> null,                                          // decline nothing
        (task, machine) -> machine.load()
            + (task.role().isPresent() && !task.role().get().equals(machine.machine().role()) ? 1.0 : 0.0));

    try (Fleet fleet = Fleets.newBuilder().ticker(new FakeTicker()).placementStrategy(preferRole).build()) {
      fleet.registry().register(Machine.of("busy-gpu", "a", "gpu", List.of("inference")));
      fleet.registry().register(Machine.of("idle-cpu", "b", "batch", List.of("inference")));
      fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("busy-gpu"), 1, 0.7));

      Task gpuWork = Task.newBuilder("g").requires("inference").role("gpu").build();
      Task anyWork = Task.newBuilder("a").requires("inference").build();
      assertEquals(MachineId.of("busy-gpu"), ((Decision.Dispatched) fleet.dispatcher().plan(gpuWork)).machine());
      assertEquals(MachineId.of("idle-cpu"), ((Decision.Dispatched) fleet.dispatcher().plan(anyWork)).machine());

      fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("busy-gpu"), 2, 0.85)); // over the ceiling
      assertEquals(MachineId.of("idle-cpu"), ((Decision.Dispatched) fleet.dispatcher().plan(gpuWork)).machine());
    }
  }
}
