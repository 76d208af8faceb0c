package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fleet coordinator, agent, submit, status and explain against each other, in this JVM on 127.0.0.1. */
class HttpCommandsTest {
  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    Running.stopAll();
  }

  private static Run run(String... args) {
    return Run.of(args);
  }

  private static void waitFor(Path file) {
    for (int i = 0; i < 300 && !Files.exists(file); i++) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(file), file + " was written");
  }

  @Test
  void aCoordinatorAnAgentAndTheClientCommandsWorkTogether() throws Exception {
    String state = dir.resolve("state").toString();
    Path registry = dir.resolve("registry.json");
    Files.writeString(registry, "{\"machines\":[{\"id\":\"gpu-box\",\"hostname\":\"gpu.local\",\"role\":\"inference\","
        + "\"capabilities\":[\"inference\"],\"specs\":{\"ram\":\"64GB\",\"gpu\":true},\"status\":\"offline\"}]}");
    CompletableFuture<Run> coordinator = CompletableFuture.supplyAsync(() -> run("coordinator", "--port", "0",
        "--state-dir", state, "--registry", registry.toString(), "--heartbeat-interval", "500ms",
        "--stop-after", "2m"));
    waitFor(dir.resolve("state").resolve(StateDir.URL));
    String url = Files.readString(dir.resolve("state").resolve(StateDir.URL)).trim();
    assertTrue(url.startsWith("http://127.0.0.1:"), url);
    Path tokenFile = dir.resolve("state").resolve(StateDir.JOIN_TOKEN);
    CompletableFuture<Run> agent = CompletableFuture.supplyAsync(() -> run("agent", "--join", url, "--state-dir", dir.resolve("agent").toString(), "--token-file",
        tokenFile.toString(), "--id", "laptop", "--capabilities", "code,social", "--role", "primary", "--no-probes",
        "--slots", "2", "--credential-file", dir.resolve("laptop.credential").toString(), "--stop-after", "2m"));
    waitFor(dir.resolve("laptop.credential"));

    Run submitted = run("submit", "--state-dir", state, "hello", "--requires", "code", "--payload", "sleep 100ms",
        "--wait", "20s");
    assertEquals(0, submitted.code(), submitted.out() + submitted.err());
    // Dispatched at once, or queued for a moment if a loaded machine made the agent look suspect.
    assertTrue(submitted.out().contains("hello dispatched to laptop") || submitted.out().contains("hello queued"),
        submitted.out());
    assertTrue(submitted.out().contains("hello succeeded on laptop"), submitted.out());
    assertTrue(submitted.out().contains("laptop: sleep 100ms"), submitted.out());

    Run tidy = run("submit", "--state-dir", state, "tidy", "--requires", "code", "--priority", "background",
        "--on-owner-return", "pause:PT30M", "--payload", "sleep 10ms", "--wait", "20s");
    assertEquals(0, tidy.code(), tidy.out() + tidy.err());
    assertTrue(tidy.out().contains("tidy succeeded on laptop"), tidy.out());
    Run badPolicy = run("submit", "--state-dir", state, "x", "--on-owner-return", "stop");
    assertTrue(badPolicy.code() != 0);
    assertTrue(badPolicy.err().contains("'stop'"), badPolicy.err());

    Run waiting = run("submit", "--state-dir", state, "render", "--requires", "inference", "--priority", "high");
    assertEquals(0, waiting.code(), waiting.err());
    assertTrue(waiting.out().contains("render queued: 0/2 machines fit: 1 offline, 1 lacks 'inference'"),
        waiting.out());

    Run status = run("status", "--state-dir", state);
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().matches("(?s).*gpu-box +inference +inference +offline .*"), status.out());
    assertTrue(status.out().matches(
        "(?s).*laptop +primary +code,social +online +\\d+s ago +\\d+/(2|-) +\\d\\.\\d\\d +- .*"),
        status.out());
    assertTrue(status.out().contains("render  high      inference  0/2 machines fit"), status.out());

    Run explain = run("explain", "--state-dir", state, "render");
    assertEquals(0, explain.code(), explain.err());
    assertTrue(explain.out().startsWith("render: queued"), explain.out());
    assertTrue(explain.out().contains("gpu-box: "), explain.out());

    Run unknown = run("explain", "--state-dir", state, "nothing");
    assertTrue(unknown.code() != 0);
    assertEquals("fleet explain: the coordinator knows no task 'nothing'\n", unknown.err());

    Run wrongToken = run("status", "--coordinator", url, "--client-token", "x".repeat(30));
    assertTrue(wrongToken.code() != 0);
    assertTrue(wrongToken.err().startsWith("fleet status: the coordinator at " + url + " refused the client token: "),
        wrongToken.err());
    Run unreachable = run("status", "--coordinator", "http://127.0.0.1:1", "--client-token", "x".repeat(30));
    assertEquals(1, unreachable.code());
    assertEquals("fleet status: cannot reach the coordinator at http://127.0.0.1:1 (from --coordinator): connection "
        + "refused; is `fleet coordinator` running?\n", unreachable.err());

    Running.stopAll();
    Run a = agent.get(30, TimeUnit.SECONDS);
    Run c = coordinator.get(30, TimeUnit.SECONDS);
    assertEquals(0, a.code(), a.err());
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains("First start: made a join token and a client token"), c.out());
    assertTrue(c.out().contains("join token:   " + Files.readString(tokenFile).trim()), c.out());
    assertTrue(c.out().contains("Loaded 1 of 1 machines from"), c.out());
    assertTrue(a.out().contains("tasks are echoed (use --allow-shell to run them)"), a.out());
  }

  @Test
  void theShellHandlerRunsOnlyWhenAllowedAndReportsTheExitStatus() throws Exception {
    ShellHandler shell = new ShellHandler(java.time.Duration.ofSeconds(10));
    var ok = shell.run(context("echo hi && echo there"));
    assertTrue(ok.succeeded());
    assertEquals("hi\nthere\n", ok.output().asText());
    var failed = shell.run(context("echo oops; exit 3"));
    assertTrue(!failed.succeeded());
    assertEquals("exit status 3", failed.message());
    var echoed = new EchoHandler().run(context("rm -rf /tmp/never"));
    assertEquals("m: rm -rf /tmp/never", echoed.output().asText());
  }

  private static dev.fleet.transport.http.TaskContext context(String payload) {
    dev.fleet.Task task = dev.fleet.Task.newBuilder("t").payload(dev.fleet.Payload.text(payload, "text/plain")).build();
    return new dev.fleet.transport.http.TaskContext() {
      @Override
      public dev.fleet.Task task() {
        return task;
      }

      @Override
      public int attempt() {
        return 1;
      }

      @Override
      public long token() {
        return 1;
      }

      @Override
      public dev.fleet.MachineId machine() {
        return dev.fleet.MachineId.of("m");
      }

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public String cancelReason() {
        return "";
      }
    };
  }
}
