package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.MachineId;
import dev.fleet.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry room: registration order, duplicates, updates that re-index, and machines that leave. */
class RegistryRoomTest {
  private static Task needs(String id, String capability) {
    return Task.newBuilder(id).requires(capability).build();
  }

  @Test
  void machinesAreNumberedInRegistrationOrderAndADuplicateIsRefused() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("c", "r", "x"));
      assertEquals(3, t.fleet.registry().size());
      assertEquals(List.of(1L, 2L, 3L), t.fleet.registry().list().stream()
          .map(s -> s.registrationOrder()).toList());
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> t.fleet.registry().register(TestFleet.machine("b", "r", "y")));
      assertTrue(e.getMessage().contains("'b' is already registered"), e.getMessage());
      assertEquals(3, t.fleet.registry().size());
      assertEquals(List.of("x"), List.copyOf(t.fleet.registry().get(MachineId.of("b")).orElseThrow().machine()
          .capabilities()));
      assertTrue(t.fleet.registry().deregister(MachineId.of("a")));
      assertEquals(2, t.fleet.registry().size());
      t.fleet.registry().register(TestFleet.machine("a", "r", "x")); // comes back with a new number
      assertEquals(4L, t.fleet.registry().get(MachineId.of("a")).orElseThrow().registrationOrder());
    }
  }

  @Test
  void anUpdateThatChangesCapabilitiesMovesTheMachineBetweenIndexes() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.0);
      t.fleet.registry().update(TestFleet.machine("a", "r", "y"));
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(needs("tx", "x")));
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(needs("ty", "y")));
      assertEquals(MachineId.of("a"), d.machine());
    }
  }

  @Test
  void anUpdateThatKeepsCapabilitiesKeepsTheMachinePlaceable() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.0);
      t.fleet.registry().update(TestFleet.machine("a", "other-role", "x"));
      assertEquals("other-role", t.fleet.registry().get(MachineId.of("a")).orElseThrow().machine().role());
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(needs("t", "x")));
      assertEquals(MachineId.of("a"), d.machine());
    }
  }

  @Test
  void aMachineThatLeftIsNeverChosenAgain() {
    for (String strategy : List.of("least-loaded", "bin-pack", "spread", "power-of-two", "role-first")) {
      try (TestFleet t = new TestFleet(b -> b.placementStrategy(strategy))) {
        t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
        t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
        t.beat("a", 0.0);
        t.beat("b", 0.5);
        assertTrue(t.fleet.registry().deregister(MachineId.of("a")));
        assertFalse(t.fleet.registry().deregister(MachineId.of("a")));
        for (int i = 0; i < 3; i++) {
          Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class,
              t.fleet.dispatcher().submit(needs("t" + i, "x")), strategy);
          assertEquals(MachineId.of("b"), d.machine(), strategy);
        }
      }
    }
  }
}
