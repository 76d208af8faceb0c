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
