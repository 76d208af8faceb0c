package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet coordinator --max-machines / --prune-never-heard-after / --prune-offline-after}: pruning is on by
 * default, its times are refused clearly when they contradict the offline time, and a full fleet says how to make
 * room.
 */
@Timeout(120)
class CoordinatorPruneTest {
  @TempDir
  Path dir;

  private CompletableFuture<Run> coordinator;

  @AfterEach
  void stop() throws Exception {
    Running.stopAll();
    if (coordinator != null) {
      coordinator.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void pruneTimesShorterThanTheOfflineTimeAndNoMachinesAreRefusedBeforeAnythingIsWritten() {
    Path state = dir.resolve("state");
    Run early = Run.of("coordinator", "--state-dir", state.toString(), "--prune-never-heard-after", "10s");
    assertEquals(1, early.code(), early.err());
    assertEquals("fleet coordinator: --prune-never-heard-after 10s must be 0s (keep such machines) or at least the "
        + "time after which a machine is offline, 30s (--offline-after): a machine is not removed before it would be "
        + "offline", early.err().strip());
    Run offline = Run.of("coordinator", "--state-dir", state.toString(), "--offline-after", "2m",
        "--prune-offline-after", "1m");
    assertTrue(offline.err().contains("--prune-offline-after 1m must be 0s (keep such machines) or at least the time "
        + "after which a machine is offline, 2m (--offline-after)"), offline.err());
    Run none = Run.of("coordinator", "--state-dir", state.toString(), "--max-machines", "0");
    assertEquals("fleet coordinator: --max-machines must be at least 1, got 0", none.err().strip());
    assertFalse(Files.exists(state), "nothing is written for a refused setting");
  }

  @Test
  void theCoordinatorPrunesByDefaultAndAFullFleetSaysHowToMakeRoom() throws Exception {
    Path state = dir.resolve("state");
    coordinator = CompletableFuture.supplyAsync(() -> Run.of("coordinator", "--state-dir", state.toString(),
        "--in-memory", "--port", "0", "--max-machines", "1", "--offline-after", "20m", "--stop-after", "2m"));
    Path urlFile = state.resolve(StateDir.URL);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(urlFile) && !coordinator.isDone() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(urlFile), () -> "started: " + (coordinator.isDone() ? coordinator.join() : "running"));
    String url = Files.readString(urlFile).trim();

    Run rules = Run.of("rules", "--coordinator", url, "--state-dir", state.toString());
    assertEquals(0, rules.code(), rules.err());
    // The never-heard default (10m) is raised to the offline time; the offline one stays 7 days.
    assertTrue(rules.out().contains("A machine is removed from the fleet (pruned), its work moved as for any removal, "
        + "when it sent no heartbeat within 20min of registering, or it has been offline or asleep and silent for "
        + "168h; its agent joins afresh when it is back."), rules.out());

    String join = Files.readString(state.resolve(StateDir.JOIN_TOKEN)).trim();
    HttpClient http = HttpClient.newHttpClient();
    assertEquals(200, joinAs(http, url, join, "desk").statusCode());
    HttpResponse<String> full = joinAs(http, url, join, "laptop");
    assertEquals(409, full.statusCode(), full.body());
    assertTrue(full.body().contains("the fleet has 1 machines, the most allowed (1); none of them is silent. To make "
        + "room, remove machines (`fleet rm MACHINE`, or DELETE /v1/machines/{id}); the fleet prunes machines never "
        + "heard from 20m after joining (--prune-never-heard-after) and machines silent for 7d (--prune-offline-after)"
        + "; or allow more machines (`fleet coordinator --max-machines N`"), full.body());
  }

  private static HttpResponse<String> joinAs(HttpClient http, String url, String token, String id) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url).resolve("/v1/join")).header("Authorization", "Bearer "
        + token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"machine\":{\"id\":\"" + id + "\",\"hostname\":\"" + id + ".local\",\"role\":\"worker\"}}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
