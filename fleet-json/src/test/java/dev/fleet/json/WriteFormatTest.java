package dev.fleet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Signals;
import dev.fleet.Specs;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The written form: layout, key order and what is left out. */
class WriteFormatTest {
  private static Machine machine(Specs specs, Map<String, String> labels) {
    return new Machine(MachineId.of("laptop"), "laptop.local", "interface",
        new LinkedHashSet<>(List.of("social", "code")), specs, labels);
  }

  private static JsonNode writtenMachine(RegistryEntry entry) {
    return JsonTrees.parse(RegistryJson.write(List.of(entry))).get("machines").get(0);
  }

  @Test
  void usesTwoSpaceIndentLineFeedsAndAFinalNewline() {
    String written = RegistryJson.write(RegistryJson.seed());
    assertTrue(written.startsWith("{\n  \"machines\": [\n    {\n      \"id\": \"m3-forge\",\n"), written);
    assertTrue(written.endsWith("\n  ]\n}\n"), written);
    assertFalse(written.contains("\r"));
  }

  @Test
  void emptyRegistryIsAnEmptyArray() {
    assertEquals("{\n  \"machines\": []\n}\n", RegistryJson.write(List.of()));
    assertEquals(List.of(), RegistryJson.read(RegistryJson.write(List.of())));
  }

  @Test
  void specsKeysAreRamChipGpuCoresThenExtrasInOrder() {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("disk", "1TB");
    extra.put("os", "macOS");
    Specs specs = new Specs(Optional.of("16GB"), Optional.of("M2"), Optional.of(false), OptionalInt.of(8), extra);
    JsonNode written = writtenMachine(new RegistryEntry(machine(specs, Map.of()), Health.ONLINE, Optional.empty(), 0));
    assertEquals(List.of("ram", "chip", "gpu", "cores", "disk", "os"), List.copyOf(written.get("specs").propertyNames()));
    assertEquals(8, written.get("specs").get("cores").intValue());
  }

  @Test
  void emptyLabelsAndAbsentHeartbeatAreLeftOut() {
    JsonNode written = writtenMachine(new RegistryEntry(machine(Specs.NONE, Map.of()), Health.ASLEEP, Optional.empty(), 0));
    assertEquals(List.of("id", "hostname", "role", "capabilities", "specs", "status", "current_load"),
        List.copyOf(written.propertyNames()));
    assertEquals("asleep", written.get("status").stringValue());
  }

  @Test
  void labelsComeAfterSpecs() {
    RegistryEntry entry = new RegistryEntry(machine(Specs.NONE, Map.of("form", "laptop")), Health.DRAINING,
        Optional.of(Instant.parse("2026-04-29T10:30:00.123Z")), 1.5);
    JsonNode written = writtenMachine(entry);
    assertEquals(List.of("id", "hostname", "role", "capabilities", "specs", "labels", "status", "last_heartbeat",
        "current_load"), List.copyOf(written.propertyNames()));
    assertEquals("laptop", written.get("labels").get("form").stringValue());
    assertEquals(List.of(entry), RegistryJson.read(RegistryJson.write(List.of(entry))));
  }

  @Test
  void refusesEntriesThatCouldNotBeReadBack() {
    RegistryEntry entry = new RegistryEntry(machine(Specs.NONE, Map.of()), Health.ONLINE, Optional.empty(), 0);
    IllegalArgumentException duplicate =
        assertThrows(IllegalArgumentException.class, () -> RegistryJson.write(List.of(entry, entry)));
    assertTrue(duplicate.getMessage().contains("duplicate machine id 'laptop'"), duplicate.getMessage());

    Specs clash = new Specs(Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty(), Map.of("ram", "8GB"));
    RegistryEntry clashing = new RegistryEntry(machine(clash, Map.of()), Health.ONLINE, Optional.empty(), 0);
    IllegalArgumentException extra =
        assertThrows(IllegalArgumentException.class, () -> RegistryJson.write(List.of(clashing)));
    assertTrue(extra.getMessage().contains("specs extra 'ram'"), extra.getMessage());
  }

  @Test
  void entryTakesHealthHeartbeatAndReportedLoadFromASnapshot() {
    Machine machine = machine(Specs.of("16GB", "M2", false), Map.of());
    Optional<Instant> heartbeat = Optional.of(Instant.parse("2026-04-29T10:30:00Z"));
    MachineStatus status = new MachineStatus(machine, Health.SUSPECT, 0.3, 0.7, Signals.NONE, heartbeat, 2, 0);
    assertEquals(new RegistryEntry(machine, Health.SUSPECT, heartbeat, 0.3), RegistryJson.entry(status));

    MachineStatus left = new MachineStatus(machine, Health.LEFT, 0, 0, Signals.NONE, Optional.empty(), 0, 0);
    assertThrows(IllegalArgumentException.class, () -> RegistryJson.entry(left));
  }
}
