package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.MachineId;
import dev.fleet.Task;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StrategiesTest {

  private static TestFleet threeMachines(String strategy) {
    TestFleet t = new TestFleet(b -> b.placementStrategy(strategy));
    t.fleet.registry().register(TestFleet.machine("idle", "r", "x"));
    t.fleet.registry().register(TestFleet.machine("half", "r", "x"));
    t.fleet.registry().register(TestFleet.machine("full", "r", "x"));
    t.beat("idle", 0.0);
    t.beat("half", 0.5);
    t.beat("full", 0.8);
    return t;
  }

  private static MachineId plan(TestFleet t, String id) {
    return ((Decision.Dispatched) t.fleet.dispatcher().plan(Task.newBuilder(id).requires("x").build())).machine();
  }

  @Test
  void binPackFillsTheBusiestMachineThatStillFits() {
    try (TestFleet t = threeMachines("bin-pack")) {
      assertEquals(MachineId.of("half"), plan(t, "a"));
    }
  }

  @Test
  void spreadPrefersTheMachineRunningFewestTasks() {
    try (TestFleet t = threeMachines("spread")) {
      t.fleet.dispatcher().submit(Task.newBuilder("1").requires("x").build()); // idle: fewest and least loaded
      assertEquals(MachineId.of("half"), plan(t, "2"), "idle now runs one task, half none");
    }
  }

  @Test
  void powerOfTwoChoosesAmongEligibleMachinesAndIsStableForATask() {
    try (TestFleet t = threeMachines("power-of-two")) {
      Set<MachineId> chosen = new HashSet<>();
      for (int i = 0; i < 50; i++) {
        MachineId m = plan(t, "t" + i);
        assertEquals(m, plan(t, "t" + i));
        chosen.add(m);
      }
      assertTrue(Set.of(MachineId.of("idle"), MachineId.of("half")).containsAll(chosen), chosen.toString());
    }
  }

  @Test
  void roleFirstBreaksTiesTowardTheTasksRole() {
    try (TestFleet t = new TestFleet(b -> b.placementStrategy("role-first"))) {
      t.fleet.registry().register(TestFleet.machine("a", "cron", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "primary", "x"));
      Task any = Task.newBuilder("n").requires("x").build();
      assertEquals(MachineId.of("a"), ((Decision.Dispatched) t.fleet.dispatcher().plan(any)).machine());
      Task role = Task.newBuilder("r").requires("x").role("primary").build();
      assertEquals(MachineId.of("b"), ((Decision.Dispatched) t.fleet.dispatcher().plan(role)).machine());
    }
  }

  @Test
  void anUnknownStrategyNameListsTheAvailableOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Strategies.byName("random"));
    assertEquals("no placement strategy is named 'random'; available: bin-pack, least-loaded, power-of-two,"
        + " role-first, spread", e.getMessage());
  }
}
