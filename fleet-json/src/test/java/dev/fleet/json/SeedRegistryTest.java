package dev.fleet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Golden test: the seed's registry loads exactly as written. */
class SeedRegistryTest {
  private final List<RegistryEntry> seed = RegistryJson.seed();

  private static RegistryEntry entry(
      String id, String host, String role, List<String> caps, Specs specs, String heartbeat, double load) {
    Machine machine = new Machine(MachineId.of(id), host, role, new LinkedHashSet<>(caps), specs, Map.of());
    return new RegistryEntry(machine, Health.ONLINE, Optional.of(Instant.parse(heartbeat)), load);
  }

  /**
   * In a named module a resource is found only by a class of the module that holds it (or if its package is
   * opened): the seed is read by RegistryJson, in dev.fleet.json, so it loads there. These tests run on the
   * module path, patched into dev.fleet.json, which is what makes this check mean something.
   */
  @Test
  void seedLoadsInsideTheNamedModule() {
    Module module = RegistryJson.class.getModule();
    assertTrue(module.isNamed(), "fleet-json's tests are expected on the module path, but ran in " + module);
    assertEquals("dev.fleet.json", module.getName());
    assertEquals(3, RegistryJson.seed().size());
  }

  @Test
  void seedHasTheThreeMachinesWithEveryField() {
    List<RegistryEntry> expected = List.of(
        entry("m3-forge", "m3-forge.local", "primary", List.of("inference", "code", "planning", "brain"),
            Specs.of("64GB", "M3 Max", true), "2026-04-29T10:30:00Z", 0.45),
        entry("m4-mirror", "m4-mirror.local", "parallel", List.of("inference", "social", "deploy", "testing"),
            Specs.of("48GB", "M4 Pro", true), "2026-04-29T10:29:55Z", 0.20),
        entry("gcp-watcher", "34.11.241.254", "cron", List.of("monitoring", "cron", "alerts"),
            Specs.of("2GB", "x86", false), "2026-04-29T10:30:01Z", 0.05));
    assertEquals(expected, seed);
  }

  @Test
  void machinesKeepFileOrder() {
    assertEquals(List.of("m3-forge", "m4-mirror", "gcp-watcher"),
        seed.stream().map(e -> e.id().value()).toList());
  }

  @Test
  void capabilitiesKeepFileOrder() {
    // Set equality ignores order, so compare as lists.
    assertEquals(List.of("inference", "code", "planning", "brain"), List.copyOf(seed.get(0).machine().capabilities()));
    assertEquals(List.of("inference", "social", "deploy", "testing"), List.copyOf(seed.get(1).machine().capabilities()));
    assertEquals(List.of("monitoring", "cron", "alerts"), List.copyOf(seed.get(2).machine().capabilities()));
  }

  @Test
  void loadsAndSpecsAreExact() {
    assertEquals(0.45, seed.get(0).currentLoad());
    assertEquals(0.20, seed.get(1).currentLoad());
    assertEquals(0.05, seed.get(2).currentLoad());
    Specs watcher = seed.get(2).machine().specs();
    assertEquals(Optional.of("2GB"), watcher.ram());
    assertEquals(Optional.of("x86"), watcher.chip());
    assertEquals(Optional.of(false), watcher.gpu());
    assertEquals(OptionalInt.empty(), watcher.cores(), "absent keys stay absent");
    assertEquals(Map.of(), watcher.extra());
    assertEquals(Map.of(), seed.get(0).machine().labels());
  }

  @Test
  void everyReadMethodAgrees() {
    String text = Seed.text();
    assertEquals(seed, RegistryJson.read(text));
    assertEquals(seed, RegistryJson.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
  }
}
