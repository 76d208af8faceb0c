package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint reads its body strictly before it acts: a malformed, wrongly typed or unexpected body is a 400
 * problem that names what was wrong, and nothing changes (the task stays queued, the token stays, the machine stays
 * drained).
 */
class StrictBodiesTest {
  /** Bodies an action without parameters must refuse: not JSON, not an object, or an object with a field. */
  private static final List<String> NOT_EMPTY_OBJECTS = List.of("{x", "{\"force\":true}", "[]", "\"x\"", "null",
      "{} {}", "1");

  @Test
  void cancelRefusesABodyOtherThanNoneOrAnEmptyObjectAndTheTaskStaysQueued() {
    try (TestCoordinator t = new TestCoordinator()) {
      assertEquals(200, t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[{\"id\":\"q\"}]}").status());
      for (String body : NOT_EMPTY_OBJECTS) {
        RawHttp.Reply r = t.http.post("/v1/tasks/q/cancel", t.adminToken, body);
        assertBadRequest(r, body, "cancel takes no parameters");
        assertEquals(TaskState.QUEUED, t.fleet.dispatcher().status(TaskId.of("q")).orElseThrow().state(), body);
      }
      assertTrue(t.http.post("/v1/tasks/q/cancel", t.adminToken, "{\"force\":true}").body()
          .contains("unknown field 'force'"));
      assertEquals(200, t.http.post("/v1/tasks/q/cancel", t.adminToken, "{}").status());
      assertEquals(TaskState.CANCELLED, t.fleet.dispatcher().status(TaskId.of("q")).orElseThrow().state());
    }
  }

  @Test
  void rotatingTheJoinTokenRefusesABodyAndTheTokenStays() {
    try (TestCoordinator t = new TestCoordinator()) {
      for (String body : NOT_EMPTY_OBJECTS) {
        assertBadRequest(t.http.post("/v1/join-token", t.adminToken, body), body, "rotate-join-token takes no");
      }
      // The old token still joins: it was not rotated.
      assertEquals(200, t.http.post("/v1/join", t.joinToken, machineJson("m", "code")).status());
      String rotated = field(t.http.post("/v1/join-token", t.adminToken, "{}").body(), "joinToken");
      assertEquals(200, t.http.post("/v1/join", rotated, machineJson("n", "code")).status());
    }
  }

  @Test
  void undrainRefusesABodyAndTheMachineStaysDrained() {
    try (TestCoordinator t = new TestCoordinator()) {
      joinAndBeat(t, "m");
      assertEquals(200, t.http.post("/v1/machines/m/drain", t.adminToken, "{}").status());
      for (String body : NOT_EMPTY_OBJECTS) {
        assertBadRequest(t.http.post("/v1/machines/m/undrain", t.adminToken, body), body, "undrain takes no");
        assertEquals(Health.DRAINING, health(t, "m"), body);
      }
      assertEquals(200, t.http.post("/v1/machines/m/undrain", t.adminToken, "{}").status());
      assertEquals(Health.ONLINE, health(t, "m"));
    }
  }

  @Test
  void drainRefusesUnknownFieldsAndWrongTypesAndTheMachineStaysOnline() {
    try (TestCoordinator t = new TestCoordinator()) {
      joinAndBeat(t, "m");
      for (String body : List.of("{x", "{\"deadline\":5}", "{\"deadlineMillis\":\"soon\"}", "{\"deadlineMillis\":-1}",
          "[]", "null")) {
        RawHttp.Reply r = t.http.post("/v1/machines/m/drain", t.adminToken, body);
        assertEquals(400, r.status(), body + " -> " + r.body());
        assertTrue(r.isProblem(), r.contentType());
        assertEquals(Health.ONLINE, health(t, "m"), body);
      }
    }
  }

  @Test
  void sleepRefusesABodyAndTheMachineStaysAwake() {
    try (TestCoordinator t = new TestCoordinator()) {
      String cred = joinAndBeat(t, "m");
      for (String body : NOT_EMPTY_OBJECTS) {
        assertBadRequest(t.http.post("/v1/sleep", cred, body), body, "sleep takes no parameters");
        assertEquals(Health.ONLINE, health(t, "m"), body);
      }
      assertEquals(200, t.http.post("/v1/sleep", cred, "{}").status());
      assertEquals(Health.ASLEEP, health(t, "m"));
    }
  }

  @Test
  void endpointsThatTakeNoBodyRefuseOneAndChangeNothing() throws Exception {
    try (TestCoordinator t = new TestCoordinator()) {
      String cred = joinAndBeat(t, "m");
      // It needs what no machine has, so it stays queued unless something cancels it.
      assertEquals(200, t.http.post("/v1/tasks", t.adminToken,
          "{\"tasks\":[{\"id\":\"q\",\"requires\":[\"x\"]}]}").status());
      // DELETE with a body: the join token is not revoked, the machine is not removed.
      assertBadRequest(send(t, "DELETE", "/v1/join-token", t.adminToken, "{}", false), "{}",
          "revoke-join-token takes no body");
      assertEquals(200, t.http.post("/v1/join", t.joinToken, machineJson("n", "code")).status());
      assertBadRequest(send(t, "DELETE", "/v1/machines/m", t.adminToken, "x", false), "x",
          "remove-machine takes no body");
      assertTrue(t.fleet.registry().get(MachineId.of("m")).isPresent());
      // GETs with a body, by length and chunked.
      for (boolean chunked : new boolean[] {false, true}) {
        assertBadRequest(send(t, "GET", "/v1/machines", t.adminToken, "{}", chunked), "{}", "machines takes no body");
        assertBadRequest(send(t, "GET", "/v1/tasks/q", t.adminToken, "{}", chunked), "{}", "task takes no body");
        assertBadRequest(send(t, "GET", "/v1/assignments?waitMillis=0", cred, "{}", chunked), "{}",
            "poll takes no body");
        assertBadRequest(send(t, "GET", "/v1/ping", null, "hello", chunked), "hello", "ping takes no body");
      }
      assertEquals(TaskState.QUEUED, t.fleet.dispatcher().status(TaskId.of("q")).orElseThrow().state());
      // Without a body they work, and the connection was not left unusable.
      assertEquals(200, t.http.get("/v1/machines", t.adminToken).status());
      assertEquals(200, t.http.delete("/v1/machines/n", t.adminToken).status());
    }
  }

  private static String joinAndBeat(TestCoordinator t, String id) {
    String cred = field(t.http.post("/v1/join", t.joinToken, machineJson(id, "code")).body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":1,\"load\":0.1}").status());
    return cred;
  }

  private static Health health(TestCoordinator t, String id) {
    return t.fleet.registry().get(MachineId.of(id)).orElseThrow().health();
  }

  static void assertBadRequest(RawHttp.Reply r, String sent, String detailContains) {
    String why = sent + " -> " + r.status() + " " + r.contentType() + " " + r.body();
    assertEquals(400, r.status(), why);
    assertTrue(r.isProblem(), why);
    assertTrue(r.body().contains("\"type\":\"urn:dev.fleet:problem:"), why);
    assertTrue(r.body().contains(detailContains), why);
  }

  private static RawHttp.Reply send(TestCoordinator t, String method, String path, String credential, String body,
      boolean chunked) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(t.coordinator.uri().resolve(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").method(method, chunked
            ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
            : HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (credential != null) {
      b.header("Authorization", "Bearer " + credential);
    }
    HttpResponse<String> r = RawHttp.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new RawHttp.Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }
}
