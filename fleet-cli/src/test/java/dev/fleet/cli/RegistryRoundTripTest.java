package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.json.RegistryJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The seed's registry file through a running coordinator and back: {@code fleet coordinator --registry FILE} →
 * {@code GET /v1/registry} and {@code fleet registry export} → the same JSON tree, with the live values; and
 * {@code fleet registry import}, all or none.
 */
@Timeout(120)
class RegistryRoundTripTest {
  private static final JsonMapper JSON = JsonMapper.shared();

  @TempDir
  Path dir;

  /** The seed's registry file as shipped, byte for byte. */
  private static String seedFile() throws Exception {
    try (InputStream in = RegistryJson.class.getResourceAsStream("/dev/fleet/json/seed-registry.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The document without the keys Fleet adds ({@code fleet}), which are all a seed reader does not know. */
  private static JsonNode seedKeysOnly(String json) {
    JsonNode tree = JSON.readTree(json);
    for (JsonNode m : tree.get("machines")) {
      ((ObjectNode) m).remove("fleet");
    }
    return tree;
  }

  /** The seed's times are taken as they are only on a clock past them (a time after now counts as now). */
  private static void assumeSeedIsPast() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Instant.now().isAfter(Instant.parse("2026-04-29T10:31:01Z")),
        "the seed's machines are offline only on a clock past 2026-04-29T10:31:01Z");
  }

  @Test
  void theSeedsRegistryComesBackAsTheSameTreeWithTheLiveValues() throws Exception {
    Path seed = dir.resolve("seed-registry.json");
    Files.writeString(seed, seedFile());
    try (RegistryFleet f = new RegistryFleet(dir.resolve("state"), "--registry", seed.toString())) {
      String live = f.registry();

      // The seed's machines were last heard on 2026-04-29, so live they are offline; all else is as written.
      assumeSeedIsPast();
      JsonNode expected = JSON.readTree(seedFile());
      for (JsonNode m : expected.get("machines")) {
        ((ObjectNode) m).put("status", "offline");
      }
      assertEquals(expected, seedKeysOnly(live));
      JsonNode forge = JSON.readTree(live).get("machines").get(0);
      assertEquals(List.of("id", "hostname", "role", "capabilities", "specs", "status", "last_heartbeat",
          "current_load", "fleet"), List.copyOf(forge.propertyNames()), "the seed's keys in the seed's order");
      assertEquals("2026-04-29T10:30:00Z", forge.get("last_heartbeat").stringValue(), "kept, not the load time");
      assertEquals("offline", forge.get("fleet").get("health").stringValue());

      Run export = f.client("registry", "export");
      assertEquals(0, export.code(), export.err());
      assertEquals(live, export.out(), "the CLI prints the document as the coordinator wrote it");
      Path file = dir.resolve("out").resolve("registry.json");
      Files.createDirectories(file.getParent());
      Run toFile = f.client("registry", "export", file.toString());
      assertEquals(0, toFile.code(), toFile.err());
      assertEquals("Wrote 3 machines to " + file, toFile.out().strip());
      assertEquals(RegistryJson.read(seed).stream().map(e -> e.machine()).toList(),
          RegistryJson.read(file).stream().map(e -> e.machine()).toList(), "what the file reader reads is as written");
    }
  }

  @Test
  void aMachineHeardRecentlyIsOnlineAndItsHeartbeatsShowInTheExport() throws Exception {
    Instant heard = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
    Path file = dir.resolve("registry.json");
    Files.writeString(file, seedFile().replace("2026-04-29T10:29:55Z", heard.toString()));
    // The coordinator's default prune (offline 7 days) counts from the load: the machines heard in April stay.
    try (RegistryFleet f = new RegistryFleet(dir.resolve("state"), "--registry", file.toString())) {
      JsonNode mirror = JSON.readTree(f.registry()).get("machines").get(1);
      assertEquals("m4-mirror", mirror.get("id").stringValue());
      assertEquals("online", mirror.get("status").stringValue());
      assertEquals(heard.toString(), mirror.get("last_heartbeat").stringValue());
      assertEquals(0.2, mirror.get("current_load").doubleValue());

      String credential = f.join("m4-mirror", "social"); // its agent joins with the join token, as usual
      f.heartbeat(credential, 0, 0.6);
      mirror = JSON.readTree(f.registry()).get("machines").get(1);
      assertEquals(0.6, mirror.get("current_load").doubleValue());
      assertTrue(Instant.parse(mirror.get("last_heartbeat").stringValue()).isAfter(heard), mirror.toString());
    }
  }

  @Test
  void importRegistersTheFilesMachinesKeepingTheirLastHeartbeatsAndABadFileChangesNothing() throws Exception {
    Path seed = dir.resolve("seed-registry.json");
    Files.writeString(seed, seedFile());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, seedFile().replace("\"current_load\": 0.05", "\"current_load\": \"low\""));
    Path badLabel = dir.resolve("bad-label.json");
    Files.writeString(badLabel, seedFile().replace("\"status\": \"online\",\n\"last_heartbeat\": \"2026-04-29T10:29:55Z\"",
        "\"labels\": {\"quiet-hours\": \"tea time\"},\n\"status\": \"online\",\n\"last_heartbeat\": \"2026-04-29T10:29:55Z\""));
    assertTrue(Files.readString(badLabel).contains("tea time"));
    try (RegistryFleet f = new RegistryFleet(dir.resolve("state"))) {
      Run refused = f.client("registry", "import", bad.toString());
      assertEquals(1, refused.code());
      assertEquals("fleet registry import: " + bad + ": machines[2].current_load: must be a number >= 0, got "
          + "\"low\"", refused.err().strip());
      Run refusedLabel = f.client("registry", "import", badLabel.toString());
      assertEquals(1, refusedLabel.code());
      assertTrue(refusedLabel.err().contains("nothing was imported: machines[1] ('m4-mirror')"), refusedLabel.err());
      assertTrue(refusedLabel.err().contains("tea time"), refusedLabel.err());
      assertEquals("{\"machines\":[]}", JSON.writeValueAsString(JSON.readTree(f.registry())), "nothing stored");

      assumeSeedIsPast();
      Run imported = f.client("registry", "import", seed.toString());
      assertEquals(0, imported.code(), imported.err());
      assertEquals("Imported 3 of 3 machines from " + seed + ": m3-forge, m4-mirror, gcp-watcher",
          imported.out().strip());
      JsonNode expected = JSON.readTree(seedFile());
      for (JsonNode m : expected.get("machines")) {
        ((ObjectNode) m).put("status", "offline");
      }
      assertEquals(expected, seedKeysOnly(f.registry()), "each with the time it was last heard");

      Run again = f.client("registry", "import", seed.toString());
      assertEquals(0, again.code(), again.err());
      assertEquals("Imported 0 of 3 machines from " + seed + "\nAlready registered, left as they are: m3-forge, "
          + "m4-mirror, gcp-watcher", again.out().strip());
      assertFalse(again.out().contains("Imported 3"));
    }
  }
}
