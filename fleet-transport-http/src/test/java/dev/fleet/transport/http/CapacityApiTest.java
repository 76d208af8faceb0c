package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.CapacityFinding;
import dev.fleet.CapacityReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/capacity} on a real coordinator: the report as JSON and through the client, and its bad windows. */
class CapacityApiTest {
  private final TestCoordinator t = new TestCoordinator();

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void aTaskWaitingForAMissingCapabilityIsReported() {
    assertEquals(200, t.http.post("/v1/join", t.joinToken, CoordinatorApiTest.machineJson("m1", "code")).status());
    assertEquals(200, t.http.post("/v1/tasks", t.adminToken,
        "{\"tasks\":[{\"id\":\"v1\",\"requires\":[\"video\"]},{\"id\":\"v2\",\"requires\":[\"video\"]}]}").status());

    RawHttp.Reply r = t.http.get("/v1/capacity?window=24h", t.adminToken);
    assertEquals(200, r.status(), r.body());
    assertTrue(r.body().contains("\"windowMillis\":86400000"), r.body());
    assertTrue(r.body().contains("\"kind\":\"missing-capability\"") && r.body().contains("\"capability\":\"video\"")
        && r.body().contains("\"tasks\":2"), r.body());
    assertTrue(r.body().contains("for 'video': add a machine with 'video'"), r.body());

    {
      HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);
      CapacityReport report = client.capacity(Duration.ofHours(2));
      assertEquals(Duration.ofHours(2), report.window());
      List<CapacityFinding.MissingCapability> missing = report.findings().stream()
          .filter(CapacityFinding.MissingCapability.class::isInstance).map(CapacityFinding.MissingCapability.class::cast)
          .toList();
      assertEquals(1, missing.size(), report.render());
      assertEquals("video", missing.get(0).capability());
      assertEquals(2, missing.get(0).tasks());
    }
  }

  @Test
  void theWindowDefaultsToADayAndBadOnesAreRefused() {
    RawHttp.Reply plain = t.http.get("/v1/capacity", t.adminToken);
    assertEquals(200, plain.status(), plain.body());
    assertTrue(plain.body().contains("\"windowMillis\":86400000"), plain.body());
    for (String bad : List.of("abc", "0s", "-5m", "12x", "h")) {
      RawHttp.Reply r = t.http.get("/v1/capacity?window=" + bad, t.adminToken);
      assertEquals(400, r.status(), bad + ": " + r.body());
      assertTrue(r.isProblem() && r.body().contains("'window' must be a positive duration")
          && r.body().contains("'" + bad + "'"), r.body());
    }
    RawHttp.Reply twice = t.http.get("/v1/capacity?window=1h&window=2h", t.adminToken);
    assertEquals(400, twice.status(), twice.body());
    RawHttp.Reply unknown = t.http.get("/v1/capacity?span=1h", t.adminToken);
    assertEquals(400, unknown.status(), unknown.body());
    assertTrue(unknown.body().contains("unknown query parameter 'span'"), unknown.body());
    assertEquals(401, t.http.get("/v1/capacity", null).status());
    assertEquals(403, t.http.get("/v1/capacity", t.joinToken).status());
  }

  @Test
  void whatIfAddingAMachineWithTheMissingCapability() {
    assertEquals(200, t.http.post("/v1/join", t.joinToken, CoordinatorApiTest.machineJson("m1", "code")).status());
    assertEquals(200, t.http.post("/v1/tasks", t.adminToken,
        "{\"tasks\":[{\"id\":\"v1\",\"requires\":[\"video\"]}]}").status());

    RawHttp.Reply r = t.http.post("/v1/capacity/what-if", t.adminToken,
        "{\"windowMillis\":3600000,\"add\":[{\"capabilities\":[\"video\"]}]}");
    assertEquals(200, r.status(), r.body());
    // Waiting for 'video' until the replay gives up (one window after the last arrival), or not at all.
    assertTrue(r.body().contains("\"sentence\":\"p95 wait for 'video' 1h → 0s\""), r.body());
    assertTrue(r.body().contains("\"added\":[\"what-if-1\"]") && r.body().contains("\"tasks\":1"), r.body());

    HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);
    dev.fleet.CapacityWhatIf w = client.capacityWhatIf(Duration.ofHours(1),
        List.of(dev.fleet.Machine.of("box", "box", "added", List.of("video")).withSlots(2)),
        List.of(dev.fleet.MachineId.of("m1")));
    assertEquals(List.of(dev.fleet.MachineId.of("m1")), w.removed());
    assertEquals("box", w.added().get(0).id().value());
    assertEquals(Duration.ZERO, w.waits().get(0).after());

    RawHttp.Reply unknown = t.http.post("/v1/capacity/what-if", t.adminToken, "{\"remove\":[\"nowhere\"]}");
    assertEquals(400, unknown.status(), unknown.body());
    assertTrue(unknown.body().contains("cannot remove machine 'nowhere' in a what-if: it is not registered"),
        unknown.body());
    RawHttp.Reply badCap = t.http.post("/v1/capacity/what-if", t.adminToken,
        "{\"add\":[{\"capabilities\":[\"no good\"]}]}");
    assertEquals(400, badCap.status(), badCap.body());
    assertTrue(badCap.body().contains("'no good'"), badCap.body());
    assertEquals(405, t.http.get("/v1/capacity/what-if", t.adminToken).status());
  }
}
