package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's rooms, what each may reach, and the rule that only the fleet's entry points match the queue. */
class RoomsTest {
  /** Every room; the façade, FleetCore, holds them all. */
  static final List<Class<?>> ROOMS = List.of(Machines.class, Liveness.class, OwnerReturn.class, Ledger.class,
      Matchmaker.class, Openings.class, SweepPacer.class, Durability.class);
  private static final Path SOURCES = Path.of("src/main/java/dev/fleet/core/internal");

  /** Which rooms each room holds a reference to, read from the types of its fields. */
  static Map<String, Set<String>> arrows() {
    Map<String, Set<String>> arrows = new LinkedHashMap<>();
    for (Class<?> room : ROOMS) {
      Set<String> to = new LinkedHashSet<>();
      for (Field f : room.getDeclaredFields()) {
        if (ROOMS.contains(f.getType()) || f.getType() == FleetCore.class) {
          to.add(f.getType().getSimpleName());
        }
      }
      arrows.put(room.getSimpleName(), to);
    }
    return arrows;
  }

  @Test
  void theArrowsBetweenTheRoomsAreTheseAndFormADag() {
    Map<String, Set<String>> arrows = arrows();
    assertEquals(Map.of(
        "Machines", Set.of(),
        "Liveness", Set.of("Machines", "Ledger", "Openings", "SweepPacer"),
        "OwnerReturn", Set.of("Ledger", "Openings", "SweepPacer"),
        "Ledger", Set.of("Machines", "Openings", "SweepPacer"),
        "Matchmaker", Set.of("Machines", "Ledger", "Openings"),
        "Openings", Set.of(),
        "SweepPacer", Set.of(),
        "Durability", Set.of()), arrows);
    // Kahn: repeatedly take the rooms that reach no room left; a cycle would leave some behind.
    Map<String, Set<String>> left = new LinkedHashMap<>();
    arrows.forEach((k, v) -> left.put(k, new LinkedHashSet<>(v)));
    List<String> order = new ArrayList<>();
    while (!left.isEmpty()) {
      List<String> sinks = left.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
      assertTrue(!sinks.isEmpty(), "the rooms " + left.keySet() + " reach each other in a cycle");
      order.addAll(sinks);
      sinks.forEach(left::remove);
      left.values().forEach(v -> v.removeAll(sinks));
    }
    assertEquals(ROOMS.size(), order.size());
  }

  @Test
  void theFacadeHoldsEveryRoom() {
    Set<Class<?>> held = new LinkedHashSet<>();
    for (Field f : FleetCore.class.getDeclaredFields()) {
      held.add(f.getType());
    }
    assertTrue(held.containsAll(ROOMS), "FleetCore holds " + held);
  }

  @Test
  void onlyTheFacadeMatchesTheQueue() throws IOException {
    for (Class<?> room : ROOMS) {
      String src = Files.readString(SOURCES.resolve(room.getSimpleName() + ".java"));
      assertTrue(room == Matchmaker.class || !src.contains(".match()"), room.getSimpleName() + " matches the queue");
    }
  }

  @Test
  void eachRoomIsSmallAndSaysItsThreadingRule() throws IOException {
    for (Class<?> room : ROOMS) {
      List<String> lines = Files.readAllLines(SOURCES.resolve(room.getSimpleName() + ".java"));
      assertTrue(lines.size() < 600, room.getSimpleName() + " has " + lines.size() + " lines");
      assertTrue(String.join("\n", lines).contains("Guarded by the fleet's lock"), room.getSimpleName());
    }
  }
}
