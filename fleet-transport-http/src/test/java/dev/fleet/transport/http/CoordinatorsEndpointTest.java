package dev.fleet.transport.http;

import dev.fleet.transport.http.model.Coordinators;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/coordinators} on a single coordinator and on a replicated one, and what a node that does not
 * lead answers ({@link FollowerServer}): ping and the view, else 307 to the leader or 503 with no leader.
 */
class CoordinatorsEndpointTest {
  private static final URI A = URI.create("http://127.0.0.1:7071");
  private static final URI B = URI.create("http://127.0.0.1:7072");
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSingleCoordinatorLeadsAGroupOfOneWithoutCredential() {
    try (TestCoordinator t = new TestCoordinator()) {
      RawHttp.Reply r = t.http.get("/v1/coordinators", null);
      assertEquals(200, r.status(), r.body());
      assertEquals("{\"self\":\"coordinator\",\"leader\":\"coordinator\",\"term\":0,\"coordinators\":[{\"name\":"
          + "\"coordinator\",\"url\":\"" + t.coordinator.uri() + "\",\"role\":\"leader\"}]}", r.body());
      assertEquals(405, t.http.post("/v1/coordinators", null, "{}").status());
    }
  }

  @Test
  void aLeaderAnswersWithTheViewItWasGiven() {
    Coordinators view = new Coordinators("a", Optional.of("a"), 7, List.of(new Coordinators.Node("a", A,
        Coordinators.Role.LEADER), new Coordinators.Node("b", B, Coordinators.Role.UNKNOWN)));
    try (TestCoordinator t = new TestCoordinator(b -> b.coordinators(() -> view), f -> { })) {
      RawHttp.Reply r = t.http.get("/v1/coordinators", null);
      assertEquals("{\"self\":\"a\",\"leader\":\"a\",\"term\":7,\"coordinators\":[{\"name\":\"a\",\"url\":"
          + "\"http://127.0.0.1:7071\",\"role\":\"leader\"},{\"name\":\"b\",\"url\":\"http://127.0.0.1:7072\","
          + "\"role\":\"unknown\"}]}", r.body());
    }
  }

  @Test
  void aFollowerSendsEverythingButPingAndTheViewToTheLeaderOrSaysThereIsNone() throws Exception {
    AtomicReference<Coordinators> view = new AtomicReference<>(new Coordinators("b", Optional.of("a"), 3,
        List.of(new Coordinators.Node("a", A, Coordinators.Role.LEADER),
            new Coordinators.Node("b", B, Coordinators.Role.FOLLOWER))));
    try (FollowerServer f = FollowerServer.start("127.0.0.1", 0, null, null, view::get)) {
      URI base = URI.create("http://127.0.0.1:" + f.port());
      assertEquals(200, send(HttpRequest.newBuilder(base.resolve("/v1/ping"))).statusCode());
      HttpResponse<String> v = send(HttpRequest.newBuilder(base.resolve("/v1/coordinators")));
      assertTrue(v.body().startsWith("{\"self\":\"b\",\"leader\":\"a\",\"term\":3,"), v.body());

      HttpResponse<String> moved = send(HttpRequest.newBuilder(base.resolve("/v1/tasks?state=queued&x=%20"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"tasks\":[]}")));
      assertEquals(307, moved.statusCode());
      assertEquals(A + "/v1/tasks?state=queued&x=%20", moved.headers().firstValue("Location").orElseThrow());
      assertEquals("application/problem+json", moved.headers().firstValue("Content-Type").orElseThrow());
      assertEquals("{\"type\":\"urn:dev.fleet:problem:not-leader\",\"title\":\"Not the leader\",\"status\":307,"
          + "\"detail\":\"b is not the leader; a is, at http://127.0.0.1:7071 (term 3)\",\"leader\":"
          + "\"http://127.0.0.1:7071\"}", moved.body());

      view.set(new Coordinators("b", Optional.empty(), 4, List.of(new Coordinators.Node("a", A,
          Coordinators.Role.UNKNOWN), new Coordinators.Node("b", B, Coordinators.Role.FOLLOWER))));
      HttpResponse<String> none = send(HttpRequest.newBuilder(base.resolve("/v1/machines")));
      assertEquals(503, none.statusCode());
      assertEquals("1", none.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(none.body().contains("\"type\":\"urn:dev.fleet:problem:no-leader\""), none.body());
      assertTrue(send(HttpRequest.newBuilder(base.resolve("/v1/coordinators"))).body().contains("\"leader\":null"));
    }
  }

  @Test
  void aViewMustNameTheNodeThatAnswers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Coordinators("c",
        Optional.empty(), 0, List.of(new Coordinators.Node("a", A, Coordinators.Role.LEADER))));
    assertTrue(e.getMessage().contains("c"), e.getMessage());
  }
}
