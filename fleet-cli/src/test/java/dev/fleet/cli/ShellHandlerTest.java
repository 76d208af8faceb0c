package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import dev.fleet.transport.http.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shell tasks run in a process group of their own, and whatever stops them (a withdrawal, the time limit, the next
 * run of an agent finding what its last run left) stops the whole group, processes that ignore SIGTERM included.
 * Real processes, checked in the process table.
 */
class ShellHandlerTest {
  /** A task whose processes outlive a plain kill of the shell: one ignores SIGTERM, one runs in the background. */
  private static final String STUBBORN = "sh -c 'trap \"\" TERM; sleep 300' & sleep 300";

  @TempDir
  Path dir;

  /** A context whose attempt is withdrawn when {@code withdrawn} says so. */
  private static TaskContext context(String payload, BooleanSupplier withdrawn) {
    Task task = Task.newBuilder("t-1").payload(Payload.text(payload, "text/plain")).build();
    return new TaskContext() {
      @Override public Task task() { return task; }
      @Override public int attempt() { return 2; }
      @Override public long token() { return -5L; }
      @Override public MachineId machine() { return MachineId.of("m1"); }
      @Override public boolean isCancelled() { return withdrawn.getAsBoolean(); }
      @Override public String cancelReason() { return withdrawn.getAsBoolean() ? "moved to m2" : ""; }
    };
  }

  private static void await(String what, Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      LockSupport.parkNanos(20_000_000L);
    }
  }

  /** The one process group the handler recorded in {@code file}, once it has. */
  private static long recordedGroup(Path file) throws Exception {
    await("a group recorded in " + file, Duration.ofSeconds(10), () -> {
      try {
        return Files.isRegularFile(file) && !Files.readString(file).isBlank();
      } catch (java.io.IOException e) {
        return false;
      }
    });
    return Long.parseLong(Files.readString(file).trim().split(" ")[0]);
  }

  @Test
  void theCommandRunsInItsOwnSessionWithAnEmptyStdinAndKnowsItsAttempt() throws Exception {
    ShellHandler shell = new ShellHandler(Duration.ofSeconds(10));
    assumeTrue(shell.ownSession(), "setsid or perl is on the PATH");
    TaskResult r = shell.run(context("echo $FLEET_TASK $FLEET_ATTEMPT $FLEET_TOKEN $FLEET_MACHINE; cat; "
        + "ps -o pgid= -o sid= -p $$", () -> false));
    assertTrue(r.succeeded(), r.message());
    String[] lines = r.output().asText().split("\n");
    assertEquals("t-1 2 18446744073709551611 m1", lines[0]);
    String[] ids = lines[1].trim().split("\\s+");
    long own = ProcessTable.ownGroup();
    assertEquals(ids[0], ids[1], "the group leads its own session: " + lines[1]);
    assertTrue(Long.parseLong(ids[0]) != own, "not the JVM's group " + own + ": " + lines[1]);
  }

  @Test
  void aWithdrawnTaskIsStoppedWithItsWholeGroupIncludingWhatIgnoresSigterm() throws Exception {
    Path groups = dir.resolve("groups");
    ShellHandler shell = new ShellHandler(Duration.ofMinutes(5), new TaskGroups(groups));
    assumeTrue(shell.ownSession(), "setsid or perl is on the PATH");
    java.util.concurrent.atomic.AtomicBoolean withdrawn = new java.util.concurrent.atomic.AtomicBoolean();
    CompletableFuture<TaskResult> run = CompletableFuture.supplyAsync(() -> {
      try {
        return shell.run(context(STUBBORN, withdrawn::get));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long group = recordedGroup(groups);
    await("the task's processes run", Duration.ofSeconds(10), () -> ProcessTable.members(group).size() >= 4);

    withdrawn.set(true);
    long before = System.nanoTime();
    TaskResult r = run.get(20, TimeUnit.SECONDS);
    await("the group is gone", Duration.ofSeconds(10), () -> ProcessTable.members(group).isEmpty());
    Duration took = Duration.ofNanos(System.nanoTime() - before);

    assertFalse(r.succeeded());
    assertEquals("withdrawn: moved to m2", r.message());
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "stopped in " + took);
    assertEquals("", Files.readString(groups), "the record is cleared");
  }

  @Test
  void aTaskPastItsTimeLimitIsStoppedWithItsWholeGroup() throws Exception {
    Path groups = dir.resolve("groups");
    ShellHandler shell = new ShellHandler(Duration.ofMillis(700), new TaskGroups(groups));
    assumeTrue(shell.ownSession(), "setsid or perl is on the PATH");
    CompletableFuture<TaskResult> run = CompletableFuture.supplyAsync(() -> {
      try {
        return shell.run(context(STUBBORN, () -> false));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long group = recordedGroup(groups);
    TaskResult r = run.get(20, TimeUnit.SECONDS);
    assertEquals("timed out after PT0.7S", r.message());
    await("the group is gone", Duration.ofSeconds(10), () -> ProcessTable.members(group).isEmpty());
  }

  @Test
  void theNextRunStopsGroupsTheLastRunLeftButNotAGroupWhosePidWasReused() throws Exception {
    assumeTrue(!ShellHandler.sessionLauncher().isEmpty(), "setsid or perl is on the PATH");
    List<String> launcher = ShellHandler.sessionLauncher();
    Process left = start(launcher, "trap '' TERM; sleep 300 & sleep 300");
    Process reused = start(launcher, "sleep 300");
    try {
      await("both groups run", Duration.ofSeconds(10), () -> ProcessTable.members(left.pid()).size() >= 2
          && !ProcessTable.members(reused.pid()).isEmpty());
      long startedAt = left.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
      Path file = dir.resolve("agent-m1.task-groups");
      // The reused one's leader started at another time than recorded: it is not the group the agent ran.
      Files.writeString(file, left.pid() + " " + startedAt + "\n" + reused.pid() + " 1000\n");

      List<String> stopped = TaskGroups.reap(file, Duration.ofMillis(500));

      assertEquals(1, stopped.size(), stopped::toString);
      assertTrue(stopped.get(0).startsWith(left.pid() + " ("), stopped::toString);
      // Killed processes leave the table once their parent has reaped them, a moment later.
      await("the left group is gone", Duration.ofSeconds(10), () -> ProcessTable.members(left.pid()).isEmpty());
      assertTrue(reused.isAlive(), "a group that is not the agent's is left alone");
      assertFalse(Files.exists(file));
    } finally {
      left.destroyForcibly();
      reused.destroyForcibly();
      TaskGroups.stopGroup(left.pid(), Duration.ZERO);
      // Killing the shell alone would leave its sleep running in the group.
      TaskGroups.stopGroup(reused.pid(), Duration.ZERO);
    }
  }

  /** A shell in a session of its own, as the agent starts a task. */
  private static Process start(List<String> launcher, String script) throws Exception {
    List<String> argv = new java.util.ArrayList<>(launcher);
    argv.addAll(List.of("/bin/sh", "-c", script));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    p.getOutputStream().close();
    return p;
  }
}
