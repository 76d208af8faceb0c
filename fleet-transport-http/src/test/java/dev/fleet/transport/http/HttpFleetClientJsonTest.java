package dev.fleet.transport.http;

import dev.fleet.transport.http.model.Coordinators;
import dev.fleet.transport.http.model.FleetHttpException;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpFleetClient#getJson} hands on the coordinator's answer unchanged, and a refusal's
 * {@link FleetHttpException#problem()} the problem document as the coordinator sent it, extension fields included:
 * what {@code fleet ... -o json} prints.
 */
class HttpFleetClientJsonTest {
  private final TestCoordinator t = new TestCoordinator();
  private final HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void answersComeAsTheCoordinatorSentThem() {
    assertEquals(200, t.http.post("/v1/join", t.joinToken, machineJson("m1", "code")).status());
    for (String path : List.of("v1/machines", "v1/queue", "v1/tasks?limit=5&state=queued", "v1/coordinators",
        "v1/join-tokens", "v1/approvals", "v1/rules")) {
      // suspicion grows with the silence since the last heartbeat: the one field that moves between two reads
      assertEquals(steady(t.http.get("/" + path, t.adminToken).body()), steady(client.getJson(path)), path);
    }
    assertTrue(client.getJson("v1/machines").contains("\"id\":\"m1\""));
  }

  private static String steady(String json) {
    return json.replaceAll("\"suspicion\":[0-9.eE-]+", "\"suspicion\":S");
  }

  @Test
  void aRefusalCarriesTheProblemAsSent() {
    FleetHttpException e = assertThrows(FleetHttpException.class, () -> client.getJson("v1/tasks/nope"));
    assertEquals(404, e.status());
    assertEquals(Optional.of(t.http.get("/v1/tasks/nope", t.adminToken).body()), e.problem());
    assertTrue(e.problem().orElseThrow().contains("\"title\":\"Not Found\""), e.problem().toString());
    assertEquals(Optional.empty(), new FleetHttpException(500, "about:blank", "made here").problem());
  }

  @Test
  void aFollowersProblemKeepsItsOwnFields() throws Exception {
    Coordinators view = new Coordinators("b", Optional.empty(), 4, List.of(new Coordinators.Node("b",
        URI.create("http://127.0.0.1:7072"), Coordinators.Role.FOLLOWER)));
    try (FollowerServer f = FollowerServer.start("127.0.0.1", 0, null, null, () -> view)) {
      HttpFleetClient c = HttpFleetClient.connect(URI.create("http://127.0.0.1:" + f.port()), t.adminToken);
      FleetHttpException e = assertThrows(FleetHttpException.class, () -> c.getJson("v1/machines"));
      assertEquals(503, e.status());
      assertEquals(Optional.of(new RawHttp(URI.create("http://127.0.0.1:" + f.port())).get("/v1/machines",
          t.adminToken).body()), e.problem());
    }
  }

  @Test
  void onlyPathsOfTheApi() {
    for (String bad : List.of("machines", "/v1/machines", "http://evil.example/v1/x", "v1/../secret")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.getJson(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
