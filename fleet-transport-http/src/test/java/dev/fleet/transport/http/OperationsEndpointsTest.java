package dev.fleet.transport.http;

import dev.fleet.transport.http.model.Coordinators;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The operators' endpoints on a real coordinator on 127.0.0.1: {@code /metrics} for the metrics token only,
 * {@code /v1/health/live} and {@code /v1/health/ready}; and what a follower answers at them.
 */
class OperationsEndpointsTest {
  private static final String TEXT = "# TYPE fleet_up gauge\nfleet_up 1\n";

  @Test
  void metricsAreServedToTheMetricsTokenOnly() {
    String token = HttpCoordinator.newSecret();
    AtomicInteger scrapes = new AtomicInteger();
    try (TestCoordinator t = new TestCoordinator(b -> b.metrics(token, () -> {
      scrapes.incrementAndGet();
      return TEXT;
    }), f -> { })) {
      RawHttp.Reply ok = t.http.get("/metrics", token);
      assertEquals(200, ok.status(), ok.body());
      assertEquals("text/plain; version=0.0.4; charset=utf-8", ok.contentType());
      assertEquals(TEXT, ok.body());

      RawHttp.Reply none = t.http.get("/metrics", null);
      assertEquals(401, none.status());
      assertTrue(none.body().contains("metrics token"), none.body());
      assertEquals(401, t.http.get("/metrics", t.adminToken).status(), "the client token is not the metrics token");
      assertEquals(401, t.http.get("/metrics", token + "x").status());
      assertEquals(405, t.http.post("/metrics", token, "{}").status());
      assertEquals(1, scrapes.get(), "only the accepted request made the text");
    }
  }

  @Test
  void withoutMetricsTheEndpointIsNotFound() {
    try (TestCoordinator t = new TestCoordinator()) {
      RawHttp.Reply r = t.http.get("/metrics", "anything");
      assertEquals(404, r.status());
      assertTrue(r.body().contains("serves no metrics"), r.body());
    }
  }

  @Test
  void liveWhileServingReadyAsTheSupplierSays() {
    AtomicReference<Optional<String>> why = new AtomicReference<>(Optional.of("the journal failed: disk full"));
    try (TestCoordinator t = new TestCoordinator(b -> b.readiness(why::get), f -> { })) {
      RawHttp.Reply live = t.http.get("/v1/health/live", null);
      assertEquals(200, live.status());
      assertEquals("{\"status\":\"live\"}", live.body());
      RawHttp.Reply notReady = t.http.get("/v1/health/ready", null);
      assertEquals(503, notReady.status());
      assertTrue(notReady.body().contains("\"type\":\"urn:dev.fleet:problem:not-ready\""), notReady.body());
      assertTrue(notReady.body().contains("not ready: the journal failed: disk full"), notReady.body());
      why.set(Optional.empty());
      RawHttp.Reply ready = t.http.get("/v1/health/ready", null);
      assertEquals(200, ready.status());
      assertEquals("{\"status\":\"ready\"}", ready.body());
      assertEquals(200, t.http.get("/v1/ping", null).status(), "ping is as it was");
      assertEquals(405, t.http.post("/v1/health/ready", null, "{}").status());
      assertEquals(404, t.http.get("/v1/health/other", null).status());
    }
  }

  @Test
  void aCoordinatorWithoutReadinessIsReadyWhileItServes() {
    try (TestCoordinator t = new TestCoordinator()) {
      assertEquals(200, t.http.get("/v1/health/ready", null).status());
    }
  }

  @Test
  void metricsNeedATokenAndAText() {
    HttpCoordinatorBuilder b = HttpCoordinator.newBuilder();
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> b.metrics(" ", () -> TEXT));
    assertTrue(blank.getMessage().contains("blank"), blank.getMessage());
    assertThrows(NullPointerException.class, () -> b.metrics("t", null));
  }

  @Test
  void aFollowerIsLiveNotReadyAndServesOnlyThatItDoesNotLead() {
    URI a = URI.create("http://127.0.0.1:7071");
    AtomicReference<Coordinators> view = new AtomicReference<>(new Coordinators("b", Optional.of("a"), 3,
        List.of(new Coordinators.Node("a", a, Coordinators.Role.LEADER),
            new Coordinators.Node("b", URI.create("http://127.0.0.1:7072"), Coordinators.Role.FOLLOWER))));
    try (FollowerServer f = FollowerServer.start("127.0.0.1", 0, null, null, view::get)) {
      RawHttp http = new RawHttp(URI.create("http://127.0.0.1:" + f.port()));
      assertEquals(200, http.get("/v1/health/live", null).status());
      RawHttp.Reply ready = http.get("/v1/health/ready", null);
      assertEquals(503, ready.status());
      assertTrue(ready.body().contains("not ready: b is a follower; the leader is a at http://127.0.0.1:7071"),
          ready.body());
      RawHttp.Reply metrics = http.get("/metrics", null);
      assertEquals(200, metrics.status(), "not a redirect: a scrape would count the leader twice");
      assertTrue(metrics.body().endsWith("fleet_coordinator_leading 0\n"), metrics.body());

      view.set(new Coordinators("b", Optional.empty(), 4, List.of(new Coordinators.Node("a", a,
          Coordinators.Role.UNKNOWN), new Coordinators.Node("b", URI.create("http://127.0.0.1:7072"),
          Coordinators.Role.FOLLOWER))));
      RawHttp.Reply election = http.get("/v1/health/ready", null);
      assertTrue(election.body().contains("no leader is known (an election is under way, term 4)"), election.body());

      // Elected, and replaying the log before its own coordinator serves: still this server, still not ready.
      view.set(new Coordinators("b", Optional.of("b"), 5, List.of(new Coordinators.Node("a", a,
          Coordinators.Role.FOLLOWER), new Coordinators.Node("b", URI.create("http://127.0.0.1:7072"),
          Coordinators.Role.LEADER))));
      RawHttp.Reply replaying = http.get("/v1/health/ready", null);
      assertEquals(503, replaying.status());
      assertTrue(replaying.body().contains("not ready: b is taking over as leader of term 5: replaying the journal"),
          replaying.body());
    }
  }
}
