package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet capacity} against a real coordinator on 127.0.0.1: the advice, the table, and a bad window. */
@Timeout(120)
class CapacityCommandTest {
  private static final tools.jackson.databind.json.JsonMapper JSON =
      tools.jackson.databind.json.JsonMapper.builder().build();

  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();
  private CompletableFuture<Run> coordinator;

  @AfterEach
  void stop() throws Exception {
    Running.stopAll();
    if (coordinator != null) {
      coordinator.get(30, TimeUnit.SECONDS);
    }
  }

  private Run run(String... args) {
    return Run.of(env, dir.resolve("home"), args);
  }

  @Test
  void capacityNamesTheMissingCapabilityAndDrawsItsLine() throws Exception {
    Path state = dir.resolve("state");
    Path registry = dir.resolve("registry.json");
    Files.writeString(registry, "{\"machines\":[{\"id\":\"desk\",\"hostname\":\"desk.local\",\"role\":\"worker\","
        + "\"capabilities\":[\"code\"],\"specs\":{},\"status\":\"online\"}]}");
    coordinator = CompletableFuture.supplyAsync(() -> run("coordinator", "--state-dir", state.toString(), "--port", "0",
        "--in-memory", "--registry", registry.toString(), "--stop-after", "2m"));
    Path urlFile = state.resolve(StateDir.URL);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(urlFile) && !coordinator.isDone() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(urlFile), "the coordinator wrote its URL: "
        + (coordinator.isDone() ? coordinator.get() : "still running"));
    URI url = URI.create(Files.readString(urlFile).trim());
    String s = "--state-dir=" + state;

    Run submitted = run("submit", s, "render", "--requires", "video");
    assertTrue(submitted.out().startsWith("render queued"), submitted.out() + submitted.err());

    Run capacity = run("capacity", s, "--window", "1h");
    assertEquals(0, capacity.code(), capacity.err());
    assertTrue(capacity.out().startsWith("Capacity over the last 1h (history covers "), capacity.out());
    assertTrue(capacity.out().matches("(?s).*\n  1 task waited \\d+s for 'video': add a machine with 'video'\n.*"),
        capacity.out());
    assertTrue(capacity.out().matches("(?s).*\n  video +0% +[▁▂▃▄▅▆▇█]+ +\\d\\.\\d +0 +0s +0s\n.*"), capacity.out());

    Run plain = run("capacity", s);
    assertTrue(plain.out().startsWith("Capacity over the last 24h"), plain.out() + plain.err());

    Run bad = run("capacity", s, "--window", "0s");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("--window must be at least 1s, got PT0S"), bad.err());
    Run unparsable = run("capacity", s, "--window", "soon");
    assertTrue(unparsable.code() != 0 && unparsable.err().contains("'soon' is not a duration"), unparsable.err());
    assertTrue(url.getPort() > 0);

    // --plot draws the busy capabilities (here 'video', queued) as a PNG of two charts.
    Path png = dir.resolve("capacity.png");
    Run plotted = run("capacity", s, "--window", "1h", "--plot", png.toString());
    assertEquals(0, plotted.code(), plotted.err());
    assertTrue(plotted.out().endsWith("Plotted to " + png + "\n"), plotted.out());
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
    assertEquals(900, image.getWidth());
    assertEquals(720, image.getHeight());
    Run both = run("capacity", s, "--plot", png.toString(), "--remove", "desk");
    assertEquals(1, both.code());
    assertTrue(both.err().contains("--plot draws the history; give it without --add and --remove"), both.err());

    // What if a machine with 'video' were added: the task would not have waited.
    Run whatIf = run("capacity", s, "--window", "1h", "--add", "video,inference");
    assertEquals(0, whatIf.code(), whatIf.err());
    assertTrue(whatIf.out().startsWith("What if a machine with video,inference were added (what-if-1): 1 tasks of "
        + "the last 1h replayed.\n  p95 wait for 'video' 1h → 0s\n"), whatIf.out());
    assertTrue(whatIf.out().matches("(?s).*\n  video +1 +1h +0s\n.*"), whatIf.out());
    // The same as one JSON document each, with the API's field names.
    Run json = run("capacity", s, "--window", "1h", "-o", "json");
    assertEquals(0, json.code(), json.err());
    tools.jackson.databind.JsonNode report = JSON.readTree(json.out());
    assertEquals(3_600_000L, report.get("windowMillis").asLong(), json.out());
    assertTrue(report.get("findings").valueStream().anyMatch(f -> f.get("kind").asString()
        .equals("missing-capability") && f.get("capability").asString().equals("video")
        && f.get("tasks").asLong() == 1), json.out());
    Run whatIfJson = run("capacity", s, "--window", "1h", "--add", "video,inference", "-o", "json");
    assertEquals(0, whatIfJson.code(), whatIfJson.err());
    tools.jackson.databind.JsonNode w = JSON.readTree(whatIfJson.out());
    assertEquals("what-if-1", w.get("added").get(0).asString(), whatIfJson.out());
    assertTrue(w.get("waits").valueStream().anyMatch(x -> x.get("capability").asString().equals("video")
        && x.get("beforeMillis").asLong() > 0 && x.get("afterMillis").asLong() == 0), whatIfJson.out());
    assertEquals(1, run("capacity", s, "--plot", png.toString(), "-o", "json").code());

    Run gone = run("capacity", s, "--remove", "nowhere");
    assertEquals(1, gone.code());
    assertTrue(gone.err().contains("cannot remove machine 'nowhere' in a what-if: it is not registered"), gone.err());
    Run empty = run("capacity", s, "--add", ",");
    assertEquals(1, empty.code());
    assertTrue(empty.err().contains("--add needs capabilities such as inference,social, got ','"), empty.err());
  }
}
