package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fleet tasks, output and events against a coordinator and a shell agent run in this JVM on 127.0.0.1. */
class TasksAndEventsCommandsTest {
  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    Running.stopAll();
  }

  /** Output and exit code of a command. */
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
  void tasksOutputAndEventsAgainstARunningFleet() throws Exception {
    String state = dir.resolve("state").toString();
    CompletableFuture<Run> coordinator = CompletableFuture.supplyAsync(() -> run("coordinator", "--port", "0",
        "--state-dir", state, "--heartbeat-interval", "500ms", "--stop-after", "2m"));
    waitFor(dir.resolve("state").resolve(StateDir.URL));
    String url = Files.readString(dir.resolve("state").resolve(StateDir.URL)).trim();
    CompletableFuture<Run> agent = CompletableFuture.supplyAsync(() -> run("agent", "--join", url, "--state-dir", dir.resolve("agent").toString(), "--token-file",
        dir.resolve("state").resolve(StateDir.JOIN_TOKEN).toString(), "--id", "laptop", "--capabilities", "code",
        "--role", "primary", "--no-probes", "--slots", "2", "--allow-shell", "--credential-file",
        dir.resolve("laptop.credential").toString(), "--stop-after", "2m"));
    waitFor(dir.resolve("laptop.credential"));

    Run hello = run("submit", "--state-dir", state, "hello", "--requires", "code", "--payload",
        "printf 'hi\\nthere\\n'", "--wait", "20s");
    assertTrue(hello.out().contains("hello succeeded on laptop"), hello.out() + hello.err());
    Run bin = run("submit", "--state-dir", state, "bin", "--requires", "code", "--payload",
        "printf '\\000\\001\\377'", "--wait", "20s");
    assertTrue(bin.out().contains("bin succeeded on laptop"), bin.out() + bin.err());
    assertEquals(0, run("submit", "--state-dir", state, "render", "--requires", "gpu").code());

    Run tasks = run("tasks", "--state-dir", state);
    assertEquals(0, tasks.code(), tasks.err());
    String[] lines = tasks.out().split("\n");
    assertTrue(lines[0].matches("ID +STATE +MACHINE +ATTEMPT +PRIORITY +CAPS +AGE"), tasks.out());
    assertTrue(lines[1].matches("hello +succeeded +laptop +1/3 +normal +code +\\d+s"), tasks.out());
    assertTrue(lines[2].startsWith("bin "), tasks.out());
    assertTrue(lines[3].matches("render +queued +- +- +normal +gpu +-"), tasks.out());
    assertEquals("3 tasks", lines[4]);
    Run queued = run("tasks", "--state-dir", state, "--state", "queued,running");
    assertTrue(queued.out().contains("render") && !queued.out().contains("hello"), queued.out());
    Run onLaptop = run("tasks", "--state-dir", state, "--machine", "laptop", "--capability", "code");
    assertTrue(onLaptop.out().contains("hello") && onLaptop.out().contains("bin")
        && !onLaptop.out().contains("render"), onLaptop.out());
    Run newest = run("tasks", "--state-dir", state, "--limit", "1");
    assertTrue(newest.out().contains("render") && newest.out().contains("the newest 1 shown"), newest.out());
    assertEquals("no tasks match\n", run("tasks", "--state-dir", state, "--state", "failed").out());
    Run badState = run("tasks", "--state-dir", state, "--state", "runing");
    assertEquals(1, badState.code());
    assertTrue(badState.err().startsWith("fleet tasks: --state 'runing' is not a task state; use one of queued"),
        badState.err());

    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Run output;
    System.setOut(new PrintStream(captured, true));
    try {
      output = run("output", "--state-dir", state, "hello");
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, output.code(), output.err());
    assertEquals("hi\nthere\n", captured.toString(StandardCharsets.UTF_8), "the task's stdout, as it printed it");
    Path file = dir.resolve("bin.out");
    assertEquals(0, run("output", "--state-dir", state, "bin", "-o", file.toString()).code());
    assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, Files.readAllBytes(file));
    Run none = run("output", "--state-dir", state, "render");
    assertEquals(1, none.code());
    assertTrue(none.err().contains("task 'render' has no output yet: it is queued"), none.err());

    Run events = run("events", "--state-dir", state, "--last", "100");
    assertEquals(0, events.code(), events.err());
    assertTrue(events.out().matches("(?s).*\\S+Z \\d+ machine laptop \\w+ -> online: .*"), events.out() + events.err());
    assertTrue(events.out().matches("(?s).*Z \\d+ task hello queued -> dispatched on laptop \\(attempt 1\\): .*"),
        events.out());
    assertTrue(events.out().matches("(?s).* task hello (dispatched|running) -> succeeded on laptop \\(attempt 1\\): "
        + "succeeded on laptop.*"), events.out());
    assertTrue(events.out().contains(" task render queued -> queued: queued: "), events.out());

    String[] held = events.out().split("\n");
    String lastId = held[held.length - 1].split(" ")[1];
    CompletableFuture<Run> following = CompletableFuture.supplyAsync(() -> run("events", "--state-dir", state, "-f",
        "--since", lastId, "--stop-after", "8s"));
    assertEquals(0, run("submit", "--state-dir", state, "late", "--requires", "code", "--payload", "true", "--wait",
        "20s").code());
    Run followed = following.get(30, TimeUnit.SECONDS);
    assertEquals(0, followed.code(), followed.err());
    String[] got = followed.out().split("\n");
    assertTrue(got[0].matches("\\S+Z " + (Long.parseLong(lastId) + 1) + " task late queued -> dispatched on laptop "
        + "\\(attempt 1\\): .*"), "it starts right after --since: " + followed.out());
    assertTrue(got[got.length - 1].matches(".* task late (dispatched|running) -> succeeded on laptop.*"),
        followed.out());

    Run since = run("events", "--state-dir", state, "--since", "5");
    assertTrue(since.out().startsWith("events missed after 5: "), since.out());
    Run unreachable = run("events", "--coordinator", "http://127.0.0.1:1", "--client-token", "x".repeat(30), "-f");
    assertEquals(1, unreachable.code());
    assertTrue(unreachable.err().startsWith("fleet events: cannot reach the coordinator at http://127.0.0.1:1 (from --coordinator): "
        + "connection refused; is `fleet coordinator` running?"), unreachable.err());

    Running.stopAll();
    assertEquals(0, agent.get(30, TimeUnit.SECONDS).code());
    assertEquals(0, coordinator.get(30, TimeUnit.SECONDS).code());
  }
}
