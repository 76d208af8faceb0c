package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client verbs end to end against a real coordinator on 127.0.0.1, started by {@code fleet coordinator} from a
 * config file, with a machine that joins over HTTP and then falls silent: cancel, drain, undrain, rm, rules,
 * status, the config file and the environment, and the errors.
 */
@Timeout(120)
class ClientVerbsTest {
  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong sequence = new AtomicLong();
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

  /** Runs a command until its output passes, for states that follow heartbeats and timeouts. */
  private Run await(Predicate<Run> passes, String... args) {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    Run last = run(args);
    while (!passes.test(last)) {
      if (System.nanoTime() > deadline) {
        fail("no pass within 40s; last output:\n" + last.out() + last.err());
      }
      LockSupport.parkNanos(100_000_000L);
      last = run(args);
    }
    return last;
  }

  private String post(URI url, String path, String bearer, String json) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(url.resolve(path)).header("Authorization", "Bearer "
        + bearer).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private void heartbeat(URI url, String credential) throws Exception {
    post(url, "/v1/heartbeat", credential, "{\"sequence\":" + sequence.incrementAndGet() + ",\"load\":0.0}");
  }

  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void theVerbsTheConfigFileAndTheErrorsAgainstARunningCoordinator() throws Exception {
    Path state = dir.resolve("state");
    Path registry = dir.resolve("registry.json");
    Files.writeString(registry, "{\"machines\":[{\"id\":\"gpu-box\",\"hostname\":\"gpu.local\",\"role\":\"inference\","
        + "\"capabilities\":[\"inference\"],\"specs\":{},\"status\":\"offline\"}]}");
    Path config = dir.resolve("fleet.properties");
    int dead = deadPort();
    Files.writeString(config, String.join("\n",
        "# one desk's settings",
        "state-dir=" + state,
        "coordinator=http://127.0.0.1:" + dead,
        "coordinator.port=0",
        "coordinator.in-memory=true",
        "coordinator.registry=" + registry,
        "coordinator.heartbeat-interval=1s",
        "coordinator.offline-after=3s",
        "coordinator.stop-after=2m",
        ""));
    coordinator = CompletableFuture.supplyAsync(() -> run("coordinator", "--config", config.toString()));
    Path urlFile = state.resolve(StateDir.URL);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(urlFile) && !coordinator.isDone() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(urlFile), "the coordinator wrote its URL where the file's state-dir says: "
        + (coordinator.isDone() ? coordinator.get() : "still running"));
    URI url = URI.create(Files.readString(urlFile).trim());
    String c = "--config=" + config;

    // The file's coordinator is a dead port: the error names it, where it came from, and what to do.
    Run fromFile = run("status", c);
    assertEquals(1, fromFile.code());
    assertEquals("fleet status: cannot reach the coordinator at http://127.0.0.1:" + dead
        + " (from key 'coordinator' in " + config + "): connection refused; is `fleet coordinator` running?\n",
        fromFile.err());
    // The environment wins over the file, the command line over the environment.
    env.put("FLEET_COORDINATOR", url.toString());
    assertEquals(0, run("status", c).code());
    Run flag = run("status", c, "--coordinator", "http://127.0.0.1:" + dead);
    assertEquals("fleet status: cannot reach the coordinator at http://127.0.0.1:" + dead + " (from --coordinator): "
        + "connection refused; is `fleet coordinator` running?\n", flag.err());

    // A machine joins with two slots and heartbeats.
    String joinToken = Files.readString(state.resolve(StateDir.JOIN_TOKEN)).trim();
    String joined = post(url, "/v1/join", joinToken, "{\"machine\":{\"id\":\"desk\",\"hostname\":\"desk.local\","
        + "\"role\":\"worker\",\"capabilities\":[\"code\"],\"labels\":{\"slots\":\"2\"}}}");
    Matcher m = Pattern.compile("\"credential\"\\s*:\\s*\"([^\"]+)\"").matcher(joined);
    assertTrue(m.find(), joined);
    String credential = m.group(1);
    heartbeat(url, credential);

    Run submitted = run("submit", c, "build", "--requires", "code");
    assertTrue(submitted.out().startsWith("build dispatched to desk"), submitted.out() + submitted.err());
    Run status = await(r -> {
      try {
        heartbeat(url, credential);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return r.out().matches("(?s).*desk +worker +code +online +\\d+s ago +1/2 +0\\.\\d\\d +- +1: build\n.*");
    }, "status", c);
    assertTrue(status.out().contains("MACHINE  ROLE       CAPABILITIES  HEALTH   LAST SEEN  SLOTS  LOAD  SIGNALS  "
        + "RUNNING"), status.out());
    // A machine from a registry file without last_heartbeat was never heard from: not "heard when it was loaded".
    assertTrue(status.out().matches("(?s).*gpu-box +inference +inference +offline +never +0/- +0\\.00 .*"),
        status.out());

    // cancel: a queued task, then the same again, then one nobody knows.
    assertTrue(run("submit", c, "render", "--requires", "inference").out().startsWith("render queued"));
    Run cancelled = run("cancel", c, "render");
    assertEquals(0, cancelled.code(), cancelled.err());
    assertEquals("Cancelled render (it was queued).\n", cancelled.out());
    assertEquals("render had already finished (cancelled); nothing to cancel.\n", run("cancel", c, "render").out());
    Run noTask = run("cancel", c, "nothing");
    assertEquals(1, noTask.code());
    assertEquals("fleet cancel: the coordinator at " + display(url) + " knows no task 'nothing'; `fleet status` lists "
        + "the queue\n", noTask.err());

    // drain and undrain.
    Run drained = run("drain", c, "desk", "--deadline", "10m");
    assertEquals(0, drained.code(), drained.err());
    assertEquals("Draining desk: it takes no new work; 1 task running on it may finish within 10m, then move to "
        + "other machines.\nUndo with: fleet undrain desk\n", drained.out());
    assertTrue(run("status", c).out().matches("(?s).*desk +worker +code +draining .*"));
    heartbeat(url, credential);
    Run undrained = run("undrain", c, "desk");
    assertEquals(0, undrained.code(), undrained.err());
    assertTrue(undrained.out().startsWith("desk is no longer drained; it is "), undrained.out());
    Run noMachine = run("drain", c, "nowhere");
    assertEquals(1, noMachine.code());
    assertEquals("fleet drain: the coordinator at " + display(url) + " says: no machine 'nowhere' is registered; "
        + "`fleet status` lists the machines and the queue\n", noMachine.err());

    // rules: the running coordinator's (it heartbeats every 1s, from the file), or the built-in ones.
    Run rules = run("rules", "--state-dir", state.toString());
    assertEquals(0, rules.code(), rules.err());
    assertTrue(rules.out().startsWith("Rules of the running coordinator at " + display(url)
        + " (from FLEET_COORDINATOR):\nFleet rules (generated from the live configuration)"), rules.out());
    assertTrue(rules.out().contains("Machines heartbeat every 1s"), rules.out());
    Run defaults = run("rules", "--defaults");
    assertTrue(defaults.out().startsWith("Built-in rules, not a running coordinator's:\n"), defaults.out());
    assertTrue(defaults.out().contains("Machines heartbeat every 5s"), defaults.out());

    // The machine falls silent: status says offline, not "joined", and how long ago it was heard from.
    Run offline = await(r -> r.out().matches("(?s).*desk +worker +code +offline +\\d+s ago .*"), "status", c);
    assertFalse(offline.out().contains("joined"), offline.out());

    // rm: prints what it did; an unknown machine is an error.
    Run removed = run("rm", c, "gpu-box");
    assertEquals(0, removed.code(), removed.err());
    assertEquals("Removed gpu-box (it was offline) from the fleet; its credential no longer works, so its agent must "
        + "join again with the join token.\n", removed.out());
    Run again = run("rm", c, "gpu-box");
    assertEquals(1, again.code());
    assertEquals("fleet rm: the coordinator at " + display(url) + " has no machine 'gpu-box'; `fleet status` lists "
        + "the machines\n", again.err());
    assertFalse(run("status", c).out().contains("gpu-box"));

    // A wrong client token is refused, with what to do.
    Run refused = run("status", c, "--client-token", "x".repeat(30));
    assertEquals(1, refused.code());
    assertTrue(refused.err().startsWith("fleet status: the coordinator at " + display(url) + " refused the client "
        + "token: "), refused.err());
    assertTrue(refused.err().endsWith("; give the token the coordinator made (the client-token file in its state "
        + "directory) with --client-token-file, or --state-dir for that directory\n"), refused.err());
    List.of(drained, undrained).forEach(r -> assertEquals("", r.err()));

    // https to a plain-http coordinator, and a host that does not exist (.invalid never resolves).
    Run tls = run("status", c, "--coordinator", "https://127.0.0.1:" + url.getPort());
    assertEquals(1, tls.code());
    assertTrue(tls.err().startsWith("fleet status: cannot reach the coordinator at https://127.0.0.1:" + url.getPort()
        + " (from --coordinator): TLS failed: "), tls.err());
    assertTrue(tls.err().endsWith("; does the URL's scheme match the coordinator (https only if it was started with "
        + "--tls-keystore)?\n"), tls.err());
    Run noHost = run("status", c, "--coordinator", "http://no-such-host.invalid:7070");
    assertEquals("fleet status: cannot reach the coordinator at http://no-such-host.invalid:7070 (from --coordinator): "
        + "unknown host; check the URL's host name\n", noHost.err());
  }

  private static String display(URI url) {
    String s = url.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
