package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.json.RegistryEntry;
import dev.fleet.json.RegistryJson;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/registry} (the live registry in the seed's file format) and {@code POST /v1/registry} (register the
 * machines of such a file, with their last heartbeats, all or none), over real HTTP.
 */
class RegistryEndpointTest {
  private static final JsonMapper JSON = JsonMapper.shared();
  private final TestCoordinator t = new TestCoordinator();
  private final HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void theLiveRegistryIsTheSeedsFormatWithWhatTheFleetKnowsNow() {
    Instant heard = Instant.now().minusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    for (RegistryEntry e : RegistryJson.seed()) {
      t.fleet.registry().register(e.machine(), e.status(), e.currentLoad(), Optional.of(heard));
    }
    String cred = field(t.http.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":0,\"load\":0.3}").status());

    RawHttp.Reply reply = t.http.get("/v1/registry", t.adminToken);
    assertEquals(200, reply.status(), reply.body());
    assertTrue(reply.contentType().startsWith("application/json"), reply.contentType());
    List<RegistryEntry> read = RegistryJson.read(reply.body());
    assertEquals(List.of("m3-forge", "m4-mirror", "gcp-watcher", "m1"), read.stream().map(e -> e.id().value()).toList());
    for (int i = 0; i < 3; i++) {
      RegistryEntry seed = RegistryJson.seed().get(i);
      assertEquals(seed.machine(), read.get(i).machine(), "registered as in the file");
      assertEquals(seed.currentLoad(), read.get(i).currentLoad());
      assertEquals(Health.ONLINE, read.get(i).status());
      assertEquals(Optional.of(heard), read.get(i).lastHeartbeat(), "the time it was last heard, kept");
    }
    assertEquals(0.3, read.get(3).currentLoad());
    JsonNode m1 = JSON.readTree(reply.body()).get("machines").get(3);
    assertEquals("online", m1.get("fleet").get("health").stringValue());
    assertEquals(0, m1.get("fleet").get("active_tasks").intValue());
    assertEquals(reply.body(), client.registry(), "the client gives the document as written");

    assertEquals(401, t.http.get("/v1/registry", null).status());
    assertEquals(403, t.http.get("/v1/registry", cred).status(), "a machine's credential may not read it");
  }

  @Test
  void importRegistersTheNewMachinesWithTheirLastHeartbeatsAndSkipsKnownOnes() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Instant.now().isAfter(Instant.parse("2026-04-29T10:31:00Z")),
        "the seed's machines are offline only on a clock past their last heartbeats");
    t.fleet.registry().register(RegistryJson.seed().get(0).machine());
    HttpFleetClient.RegistryImport done = client.importRegistry(RegistryJson.write(RegistryJson.seed()));
    assertEquals(List.of(MachineId.of("m4-mirror"), MachineId.of("gcp-watcher")), done.imported());
    assertEquals(List.of(MachineId.of("m3-forge")), done.skipped());
    MachineStatus mirror = t.fleet.registry().get(MachineId.of("m4-mirror")).orElseThrow();
    assertEquals(Optional.of(Instant.parse("2026-04-29T10:29:55Z")), mirror.lastHeartbeat());
    assertEquals(Health.OFFLINE, mirror.health(), "heard from months ago: offline at once");
  }

  @Test
  void aBadFileIsRefusedNamingTheEntryAndNothingIsRegistered() {
    String seed = RegistryJson.write(RegistryJson.seed());
    String badLoad = seed.replace("\"current_load\": 0.05", "\"current_load\": \"high\"");
    FleetHttpException e = assertThrows(FleetHttpException.class, () -> client.importRegistry(badLoad));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("machines[2].current_load: must be a number >= 0, got \"high\""),
        e.getMessage());
    assertTrue(e.getMessage().contains("nothing was imported"), e.getMessage());

    String badLabel = seed.replaceFirst("\"status\": \"online\"",
        "\"labels\": {\"quiet-hours\": \"tea time\"},\n      \"status\": \"online\"");
    RawHttp.Reply reply = t.http.post("/v1/registry", t.adminToken, badLabel.replace("\"m3-forge\"", "\"x\"")
        .replace("m3-forge", "x"));
    assertEquals(400, reply.status(), reply.body());
    assertTrue(reply.body().contains("bad-registry"), reply.body());
    assertTrue(reply.body().contains("machines[0] ('x')"), reply.body());
    assertEquals(0, t.fleet.registry().size(), "nothing stored");

    assertEquals(400, t.http.post("/v1/registry", t.adminToken, "{\"machines\": 3}").status());
    RawHttp.Reply empty = t.http.post("/v1/registry", t.adminToken, "{}");
    assertEquals(400, empty.status());
    assertTrue(empty.body().contains("machines"), empty.body());
    assertFalse(t.fleet.registry().size() > 0);
  }

  @Test
  void anImportBeyondTheMostMachinesIsRefusedWhole() {
    try (TestCoordinator small = new TestCoordinator(b -> b.maxMachines(2), f -> { })) {
      HttpFleetClient c = HttpFleetClient.connect(small.coordinator.uri(), small.adminToken);
      FleetHttpException e = assertThrows(FleetHttpException.class,
          () -> c.importRegistry(RegistryJson.write(RegistryJson.seed())));
      assertEquals(409, e.status());
      assertTrue(e.getMessage().contains("may hold 2"), e.getMessage());
      assertEquals(0, small.fleet.registry().size());
    }
  }
}
