package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet coordinator} on 127.0.0.1 and a free port, with its journal: machines join and tasks are submitted
 * over HTTP, then {@code /metrics} is scraped with the metrics token, parsed strictly as Prometheus text, and its
 * values checked against what was done; the health endpoints answer without a credential.
 */
class CoordinatorMetricsTest {
  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    Running.stopAll();
  }

  private static void waitFor(Path file) {
    for (int i = 0; i < 600 && !Files.exists(file); i++) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(file), file + " was written");
  }

  private HttpResponse<String> get(URI uri, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(URI uri, String token, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Authorization",
        "Bearer " + token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private PrometheusText scrape(URI base, String token) throws Exception {
    HttpResponse<String> r = get(base.resolve("/metrics"), token);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
    return PrometheusText.parse(r.body());
  }

  @Test
  void scrapedMetricsCountTheMachinesJoinedAndTheTasksDispatched() throws Exception {
    Path state = dir.resolve("state");
    CompletableFuture<Run> coordinator = CompletableFuture.supplyAsync(() -> Run.of("coordinator", "--port", "0",
        "--state-dir", state.toString(), "--stop-after", "2m"));
    waitFor(state.resolve(StateDir.URL));
    URI base = URI.create(Files.readString(state.resolve(StateDir.URL)).trim());
    String metricsToken = Files.readString(state.resolve(CoordinatorMetrics.TOKEN_FILE)).trim();
    String join = Files.readString(state.resolve(StateDir.JOIN_TOKEN)).trim();
    String client = Files.readString(state.resolve(StateDir.CLIENT_TOKEN)).trim();

    assertEquals(200, get(base.resolve("/v1/health/live"), null).statusCode());
    HttpResponse<String> ready = get(base.resolve("/v1/health/ready"), null);
    assertEquals(200, ready.statusCode(), ready.body());
    assertEquals(401, get(base.resolve("/metrics"), null).statusCode());
    assertEquals(401, get(base.resolve("/metrics"), client).statusCode(), "the client token is not the metrics token");

    PrometheusText before = scrape(base, metricsToken);
    assertEquals(1, before.value("fleet_coordinator_leading"));
    double dispatchedBefore = before.value("fleet_dispatch_decisions_total", "outcome", "dispatched");
    assertEquals("counter", before.type("fleet_dispatch_decisions_total"));

    for (String id : new String[] {"gpu-1", "gpu-2"}) {
      HttpResponse<String> joined = post(base.resolve("/v1/join"), join, "{\"machine\":{\"id\":\"" + id
          + "\",\"hostname\":\"" + id + ".local\",\"role\":\"inference\",\"capabilities\":[\"gpu\"]}}");
      assertEquals(200, joined.statusCode(), joined.body());
    }
    HttpResponse<String> submitted = post(base.resolve("/v1/tasks"), client, "{\"tasks\":["
        + "{\"id\":\"t1\",\"requires\":[\"gpu\"]},{\"id\":\"t2\",\"requires\":[\"gpu\"]},"
        + "{\"id\":\"t3\",\"requires\":[\"video\"],\"priority\":\"high\"}]}");
    assertEquals(200, submitted.statusCode(), submitted.body());

    PrometheusText after = scrape(base, metricsToken);
    assertEquals(2, after.value("fleet_machines", "health", "online", "role", "inference"));
    assertEquals(0, after.value("fleet_machines", "health", "offline", "role", "inference"));
    assertEquals(2, after.value("fleet_dispatch_decisions_total", "outcome", "dispatched") - dispatchedBefore);
    assertEquals(1, after.value("fleet_dispatch_decisions_total", "outcome", "queued"));
    assertEquals(1, after.value("fleet_queue_tasks", "priority", "high", "capabilities", "video"));
    assertEquals("summary", after.type("fleet_task_wait_seconds"));
    assertEquals(2, after.value("fleet_task_wait_seconds_count"));
    assertTrue(after.value("fleet_journal_appends_total") >= 5, "two joins and three submissions were journaled");
    assertTrue(after.value("fleet_journal_sync_seconds_count") >= 1);
    assertEquals(0, after.value("fleet_journal_failed"));
    assertTrue(after.value("jvm_threads_live_threads") > 0, "the JVM's meters are there too");

    Running.stopAll();
    Run done = coordinator.get(30, TimeUnit.SECONDS);
    assertEquals(0, done.code(), done.out() + done.err());
    assertTrue(done.out().contains("Metrics at " + base + "/metrics for the token in "), done.out());
  }
}
