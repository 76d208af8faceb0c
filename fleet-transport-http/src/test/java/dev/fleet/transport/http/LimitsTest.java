package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.TaskId;
import dev.fleet.core.Fleets;
import dev.fleet.testing.FakeTicker;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LimitsTest {

  @Test
  void eachCredentialIsHeldToItsRateOnTheFleetsTicker() {
    FakeTicker ticker = new FakeTicker(5_000_000_000L);
    String join = HttpCoordinator.newSecret();
    String admin = HttpCoordinator.newSecret();
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(join).adminToken(admin).ticker(ticker)
        .rateLimit(2, 3).build();
    try (var fleet = Fleets.newBuilder().ticker(ticker).transport(c).build()) {
      c.start(fleet);
      RawHttp http = new RawHttp(c.uri());
      String cred = field(http.post("/v1/join", join, machineJson("m", "code")).body(), "credential");
      assertEquals(200, http.post("/v1/heartbeat", cred, "{\"sequence\":1,\"load\":0.1}").status());
      assertEquals(200, http.post("/v1/heartbeat", cred, "{\"sequence\":2,\"load\":0.1}").status());
      assertEquals(200, http.post("/v1/heartbeat", cred, "{\"sequence\":3,\"load\":0.1}").status());
      RawHttp.Reply limited = http.post("/v1/heartbeat", cred, "{\"sequence\":4,\"load\":0.1}");
      assertEquals(429, limited.status(), limited.body());
      assertTrue(limited.isProblem());
      assertTrue(limited.body().contains("too many requests from machine:m"), limited.body());
      // Another credential has its own bucket.
      assertEquals(200, http.get("/v1/machines", admin).status());
      ticker.advance(Duration.ofMillis(500));
      assertEquals(200, http.post("/v1/heartbeat", cred, "{\"sequence\":5,\"load\":0.1}").status());
      assertEquals(429, http.post("/v1/heartbeat", cred, "{\"sequence\":6,\"load\":0.1}").status());
    } finally {
      c.close();
    }
  }

  @Test
  void refusedCredentialsCountAgainstTheirAddressAndMeet429WhileKnownMachinesGoOn() {
    FakeTicker ticker = new FakeTicker(5_000_000_000L);
    String join = HttpCoordinator.newSecret();
    String admin = HttpCoordinator.newSecret();
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(join).adminToken(admin).ticker(ticker)
        .rateLimit(2, 3).build();
    try (var fleet = Fleets.newBuilder().ticker(ticker).transport(c).build()) {
      c.start(fleet);
      RawHttp http = new RawHttp(c.uri());
      String cred = field(http.post("/v1/join", join, machineJson("m", "code")).body(), "credential");
      String wrong = HttpCoordinator.newSecret();
      for (int i = 0; i < 3; i++) {
        assertEquals(401, http.get("/v1/machines", wrong).status());
      }
      RawHttp.Reply limited = http.get("/v1/machines", wrong);
      assertEquals(429, limited.status(), limited.body());
      assertTrue(limited.isProblem());
      assertTrue(limited.body().contains("too many requests from address:"), limited.body());
      // The guesses cost only their address: the joined machine and the client keep their own buckets.
      assertEquals(200, http.post("/v1/heartbeat", cred, "{\"sequence\":1,\"load\":0.1}").status());
      assertEquals(200, http.get("/v1/machines", admin).status());
      ticker.advance(Duration.ofMillis(500));
      assertEquals(401, http.get("/v1/machines", wrong).status(), "a refilled token lets one more guess be answered");
      assertEquals(429, http.get("/v1/machines", wrong).status());
    } finally {
      c.close();
    }
  }

  @Test
  void aMachineDeclaresBoundedCapabilitiesLabelsAndMetricsAndAnOversizedJoinChangesNothing() {
    try (TestCoordinator t = new TestCoordinator()) {
      StringBuilder caps = new StringBuilder();
      for (int i = 0; i < 65; i++) {
        caps.append(i == 0 ? "" : ",").append("\"c").append(i).append('"');
      }
      RawHttp.Reply many = t.http.post("/v1/join", t.joinToken, "{\"machine\":{\"id\":\"m\",\"hostname\":\"m\","
          + "\"role\":\"worker\",\"capabilities\":[" + caps + "]}}");
      assertEquals(400, many.status(), many.body());
      assertTrue(many.body().contains("'machine.capabilities' has 65 entries, at most 64"), many.body());
      RawHttp.Reply lengthy = t.http.post("/v1/join", t.joinToken, "{\"machine\":{\"id\":\"m\",\"hostname\":\"m\","
          + "\"role\":\"worker\",\"labels\":{\"note\":\"" + "x".repeat(300) + "\"}}}");
      assertEquals(400, lengthy.status(), lengthy.body());
      assertTrue(lengthy.body().contains("machine.labels 'note' is 300 characters long, at most 256"), lengthy.body());
      assertEquals(0, t.fleet.registry().size(), "nothing was registered");

      String cred = field(t.http.post("/v1/join", t.joinToken, machineJson("m", "code")).body(), "credential");
      StringBuilder metrics = new StringBuilder();
      for (int i = 0; i < 65; i++) {
        metrics.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
      }
      RawHttp.Reply heartbeat = t.http.post("/v1/heartbeat", cred, "{\"sequence\":1,\"load\":0.5,"
          + "\"signals\":{\"metrics\":{" + metrics + "}}}");
      assertEquals(400, heartbeat.status(), heartbeat.body());
      assertTrue(heartbeat.body().contains("'signals.metrics' has 65 entries, at most 64"), heartbeat.body());
      assertEquals(0.0, t.fleet.registry().get(new dev.fleet.MachineId("m")).orElseThrow().load(),
          "the refused heartbeat changed nothing");
    }
  }

  @Test
  void theFleetHoldsAtMostMaxMachines() {
    try (TestCoordinator t = new TestCoordinator(b -> b.maxMachines(2), f -> { })) {
      assertEquals(200, t.http.post("/v1/join", t.joinToken, machineJson("a", "x")).status());
      assertEquals(200, t.http.post("/v1/join", t.joinToken, machineJson("b", "x")).status());
      RawHttp.Reply full = t.http.post("/v1/join", t.joinToken, machineJson("c", "x"));
      assertEquals(409, full.status(), full.body());
      assertTrue(full.body().contains("the most allowed (2)"), full.body());
      assertEquals(2, t.fleet.registry().size());
    }
  }

  @Test
  void aSubmissionCarriesAtMostMaxTasksPerRequest() {
    try (TestCoordinator t = new TestCoordinator(b -> b.maxTasksPerRequest(3), f -> { })) {
      String four = IntStream.range(0, 4).mapToObj(i -> "{\"id\":\"t" + i + "\"}").collect(Collectors.joining(","));
      RawHttp.Reply r = t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[" + four + "]}");
      assertEquals(413, r.status(), r.body());
      assertTrue(r.body().contains("at most 3 tasks, got 4"), r.body());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("t0")).isEmpty());
      String three = IntStream.range(0, 3).mapToObj(i -> "{\"id\":\"t" + i + "\"}").collect(Collectors.joining(","));
      assertEquals(200, t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[" + three + "]}").status());
      assertEquals(3, t.fleet.dispatcher().queue().size());
    }
  }

  @Test
  void aSubmissionThatClashesWithAnEarlierTaskSubmitsNothing() {
    try (TestCoordinator t = new TestCoordinator()) {
      assertEquals(200, t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[{\"id\":\"a\",\"title\":\"one\"}]}")
          .status());
      RawHttp.Reply r = t.http.post("/v1/tasks", t.adminToken,
          "{\"tasks\":[{\"id\":\"b\"},{\"id\":\"a\",\"title\":\"two\"}]}");
      assertEquals(409, r.status(), r.body());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("b")).isEmpty());
    }
  }

  @Test
  void jettysOwnErrorsAreProblemDocumentsToo() throws Exception {
    try (TestCoordinator t = new TestCoordinator()) {
      var req = java.net.http.HttpRequest.newBuilder(t.coordinator.uri().resolve("/v1/ping"))
          .header("X-Big", "x".repeat(20_000)).build();
      var r = RawHttp.CLIENT.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(431, r.statusCode(), r.body());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
          r.headers().toString());
      assertTrue(r.body().contains("\"status\":431"), r.body());
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", t.coordinator.port())) {
        s.getOutputStream().write("NONSENSE\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("application/problem+json") && answer.contains("\"status\":400"), answer);
      }
    }
  }

  @Test
  void plainHttpOnANonLoopbackAddressNeedsAnExplicitOptOut() {
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(HttpCoordinator.newSecret())
        .adminToken(HttpCoordinator.newSecret()).bindAddress("0.0.0.0").build();
    try (var fleet = Fleets.newBuilder().transport(c).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.start(fleet));
      assertTrue(e.getMessage().contains("binding 0.0.0.0 without TLS"), e.getMessage());
    }
  }

  @Test
  void aCoordinatorOnTheWildcardAddressNamesLoopbackAsWhereToReachIt() throws Exception {
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(HttpCoordinator.newSecret())
        .adminToken(HttpCoordinator.newSecret()).bindAddress("0.0.0.0").allowInsecureNonLoopback().port(0).build();
    try (var fleet = Fleets.newBuilder().transport(c).build()) {
      c.start(fleet);
      try {
        assertEquals("http://127.0.0.1:" + c.port(), c.uri().toString());
        var ping = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(c.uri().resolve("/v1/ping")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ping.statusCode(), ping.body());
      } finally {
        c.close();
      }
    }
  }

  @Test
  void misconfigurationIsRefusedNamingTheValue() {
    IllegalArgumentException shortToken = assertThrows(IllegalArgumentException.class,
        () -> HttpCoordinator.newBuilder().joinToken("short"));
    assertTrue(shortToken.getMessage().contains("joinToken is 5 characters long"), shortToken.getMessage());
    String same = HttpCoordinator.newSecret();
    assertThrows(IllegalArgumentException.class,
        () -> HttpCoordinator.newBuilder().joinToken(same).adminToken(same).build());
    IllegalStateException poll = assertThrows(IllegalStateException.class, () -> HttpCoordinator.newBuilder()
        .joinToken(HttpCoordinator.newSecret()).adminToken(HttpCoordinator.newSecret())
        .idleTimeout(Duration.ofSeconds(5)).maxPollWait(Duration.ofSeconds(10)).build());
    assertTrue(poll.getMessage().contains("maxPollWait PT10S must be shorter than idleTimeout PT5S"), poll.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HttpCoordinator.newBuilder().port(70000));
  }
}
