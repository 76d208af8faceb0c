package dev.fleet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code fleet} object a running fleet adds to each machine: an extra key after the seed's, so the seed's
 * keys keep their meaning, and read back as nothing more than a check that it is an object.
 */
class FleetDetailTest {
  @TempDir Path dir;

  private static Map<String, ?> detail(RegistryEntry e) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("effective_load", e.currentLoad() + 0.1);
    d.put("active_tasks", 1);
    d.put("connected", true);
    d.put("signals", Map.of("on_battery", false));
    return d;
  }

  @Test
  void theFleetObjectFollowsTheSeedsKeysWhichAreWrittenAsWithoutIt() {
    List<RegistryEntry> seed = RegistryJson.seed();
    String json = RegistryJson.write(seed, FleetDetailTest::detail);
    JsonNode tree = Jackson.MAPPER.readTree(json);
    JsonNode first = tree.get("machines").get(0);
    List<String> keys = List.copyOf(first.propertyNames());
    assertEquals(List.of("id", "hostname", "role", "capabilities", "specs", "status", "last_heartbeat",
        "current_load", "fleet"), keys);
    assertEquals(0.55, first.get("fleet").get("effective_load").doubleValue(), 1e-9);
    assertTrue(first.get("fleet").get("connected").booleanValue());

    for (JsonNode m : tree.get("machines")) {
      ((ObjectNode) m).remove("fleet");
    }
    assertEquals(Jackson.MAPPER.readTree(RegistryJson.write(seed)), tree, "only the extra key differs");
    assertEquals(seed, RegistryJson.read(json), "read back, the fleet's view is left aside");
  }

  @Test
  void aLiveFleetIsWrittenInTheSeedsFormatWithItsViewInTheFleetObject() {
    List<RegistryEntry> seed = RegistryJson.seed();
    java.time.Instant heard = java.time.Instant.parse("2026-12-03T18:00:00.250Z");
    List<dev.fleet.MachineStatus> live = List.of(
        new dev.fleet.MachineStatus(seed.get(0).machine().withSlots(4), dev.fleet.Health.UNKNOWN, 0.45, 0.7,
            new dev.fleet.Signals(true, java.util.OptionalInt.of(80), false,
                java.util.Optional.of(java.time.Duration.ofSeconds(90)), Map.of("cpu.temp", 71.5)),
            java.util.Optional.of(heard), 1, 1),
        new dev.fleet.MachineStatus(seed.get(1).machine(), dev.fleet.Health.LEFT, 0, 0, dev.fleet.Signals.NONE,
            java.util.Optional.empty(), 0, 2),
        new dev.fleet.MachineStatus(seed.get(2).machine(), dev.fleet.Health.OFFLINE, 0.05, 0.05,
            dev.fleet.Signals.NONE, java.util.Optional.empty(), 0, 3));
    String json = RegistryJson.live(live);
    JsonNode machines = Jackson.MAPPER.readTree(json).get("machines");
    assertEquals(2, machines.size(), "a machine that left is not in the registry");
    JsonNode forge = machines.get(0);
    assertEquals("suspect", forge.get("status").stringValue(), "not heard from since a restart");
    assertEquals("2026-12-03T18:00:00.250Z", forge.get("last_heartbeat").stringValue());
    assertEquals(0.45, forge.get("current_load").doubleValue());
    assertEquals("4", forge.get("labels").get("slots").stringValue());
    JsonNode fleet = forge.get("fleet");
    assertEquals(Jackson.MAPPER.readTree("{\"health\":\"unknown\",\"effective_load\":0.7,\"active_tasks\":1,"
        + "\"slots_free\":3,\"registration_order\":1,\"signals\":{\"on_battery\":true,\"battery_percent\":80,"
        + "\"throttled\":false,\"owner_idle_seconds\":90.0,\"metrics\":{\"cpu.temp\":71.5}}}"), fleet);
    assertFalse(machines.get(1).has("last_heartbeat"), "never heard from: no last_heartbeat");
    assertEquals("offline", machines.get(1).get("status").stringValue());

    List<RegistryEntry> back = RegistryJson.read(json);
    assertEquals(dev.fleet.Health.SUSPECT, back.get(0).status());
    assertEquals(java.util.Optional.of(heard), back.get(0).lastHeartbeat());
  }

  @Test
  void anEmptyDetailWritesNoFleetObject() {
    List<RegistryEntry> seed = RegistryJson.seed();
    assertEquals(RegistryJson.write(seed), RegistryJson.write(seed, e -> Map.of()));
  }

  @Test
  void aFleetKeyThatIsNotAnObjectIsRefusedByName() {
    RegistryFormatException e = assertThrows(RegistryFormatException.class, () -> RegistryJson.read(
        "{\"machines\":[{\"id\":\"a\",\"hostname\":\"a.local\",\"role\":\"r\",\"capabilities\":[],\"specs\":{},"
            + "\"status\":\"online\",\"fleet\":3}]}"));
    assertTrue(e.getMessage().contains("machines[0].fleet: must be an object, got 3"), e.getMessage());
  }

  @Test
  void replaceWritesValidTextAtomicallyAndRefusesInvalidTextLeavingTheFile() throws IOException {
    Path file = dir.resolve("registry.json");
    String json = RegistryJson.write(RegistryJson.seed(), FleetDetailTest::detail);
    RegistryJson.replace(file, json);
    assertEquals(json, Files.readString(file));
    assertEquals(List.of(file), Files.list(dir).toList(), "no temporary file left behind");

    RegistryFormatException e = assertThrows(RegistryFormatException.class,
        () -> RegistryJson.replace(file, "{\"machines\":[{\"id\":\"a\"}]}"));
    assertTrue(e.getMessage().contains("machines[0]"), e.getMessage());
    assertEquals(json, Files.readString(file), "unchanged");
    assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
  }
}
