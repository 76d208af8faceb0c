package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.core.Fleets;
import dev.fleet.transport.http.HttpCoordinator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code fleet agent} processes with {@code --allow-shell} against a coordinator in this JVM (its offline
 * timeout a minute, so nothing here is moved by it): Ctrl-C (SIGINT to the agent's whole process group, as a
 * terminal sends it) lets a shell task finish within the grace or moves it at once to finish elsewhere, never
 * recorded failed; a second Ctrl-C hands back at once; after {@code kill -9} of the agent no process of its shell
 * task is left within the stated bound (checked in the process table); a 1-slot agent runs one task at a time.
 *
 * <p>Each agent is started as a terminal starts a job: in a session of its own, with SIGINT at its default (a
 * process started in the background inherits SIGINT ignored), through perl.
 */
class AgentProcessTest {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private final String joinToken = HttpCoordinator.newSecret();
  private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
  private final Map<String, Process> agents = new ConcurrentHashMap<>();
  private HttpCoordinator coordinator;
  private Fleet fleet;

  @BeforeEach
  void startCoordinator() {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")) || Files.isExecutable(Path.of("/bin/perl")),
        "perl starts the agents as a terminal would");
    coordinator = HttpCoordinator.newBuilder().joinToken(joinToken).adminToken(HttpCoordinator.newSecret())
        .rateLimit(100_000, 100_000).build();
    fleet = Fleets.newBuilder().transport(coordinator).listener(events::add).eventExecutor(Runnable::run)
        .heartbeatInterval(Duration.ofMillis(250)).suspectAfter(Duration.ofSeconds(30))
        .offlineAfter(Duration.ofSeconds(60)).build();
    coordinator.start(fleet);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Process p : agents.values()) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (coordinator != null) {
      coordinator.close();
      fleet.close();
    }
  }

  /**
   * Starts {@code fleet agent} for machine {@code id} (its state directory {@code <dir>/<id>} unless the options
   * name one) and waits until it is online.
   */
  private Process agent(String id, String... options) throws IOException {
    List<String> argv = new ArrayList<>(List.of("perl", "-MPOSIX", "-e",
        "POSIX::setsid(); $SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"", "--",
        JAVA, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        FleetCommand.class.getName(), "agent", "--join", coordinator.uri().toString(), "--token", joinToken,
        "--id", id, "--capabilities", "x", "--allow-shell", "--no-probes"));
    if (!List.of(options).contains("--state-dir")) {
      argv.addAll(List.of("--state-dir", dir.resolve(id).toString()));
    }
    argv.addAll(List.of(options));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out(id).toFile()).start();
    agents.put(id, p);
    await(id + " online", () -> health(id) == Health.ONLINE);
    return p;
  }

  private Path out(String id) {
    return dir.resolve(id + ".out");
  }

  private String output(String id) {
    try {
      return Files.readString(out(id), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** What a terminal's Ctrl-C does: SIGINT to every process in the agent's process group. */
  private static void ctrlC(Process agent) throws Exception {
    Process kill = new ProcessBuilder("kill", "-s", "INT", "--", "-" + agent.pid()).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -INT -" + agent.pid());
  }

  private Health health(String id) {
    return fleet.registry().get(MachineId.of(id)).map(s -> s.health()).orElse(null);
  }

  private TaskStatus status(String task) {
    return fleet.dispatcher().status(TaskId.of(task)).orElseThrow();
  }

  private void submit(String id, String command) {
    fleet.dispatcher().submit(Task.newBuilder(id).requires("x").payload(Payload.text(command, "text/plain")).build());
  }

  private void awaitRunningOn(String task, String machine) {
    await(task + " running on " + machine, () -> status(task).state() == TaskState.RUNNING
        && status(task).machine().orElseThrow().value().equals(machine));
  }

  /** Whether any attempt of the task ended with a failure reported: what a Ctrl-C must never cause. */
  private boolean everFailed(String task) {
    return status(task).attempts().stream().anyMatch(a -> a.ending().startsWith("failed"));
  }

  /** The process group of the one shell task the agent runs now, from its record in the state directory. */
  private long taskGroup(String id) {
    Path file = dir.resolve(id).resolve(StateDir.agentTaskGroups(id));
    await("a task group recorded by " + id, () -> {
      try {
        return Files.isRegularFile(file) && !Files.readString(file).isBlank();
      } catch (IOException e) {
        return false;
      }
    });
    try {
      return Long.parseLong(Files.readString(file).trim().split(" ")[0]);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void await(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        StringBuilder logs = new StringBuilder();
        agents.keySet().forEach(id -> logs.append("\n--- ").append(id).append(" ---\n").append(output(id)));
        throw new AssertionError("not within " + LIMIT + ": " + what + logs);
      }
      LockSupport.parkNanos(20_000_000L);
    }
  }

  @Test
  void ctrlCLetsARunningShellTaskFinishWithinTheGraceAndTheAgentExitsZero() throws Exception {
    Process a1 = agent("a1", "--leave-grace", "30s");
    submit("job", "sleep 2; echo ran on $FLEET_MACHINE");
    awaitRunningOn("job", "a1");

    ctrlC(a1);

    await("a1 says what it does", () -> output("a1").contains(
        "Agent a1 leaving (SIGINT), draining: 1 task running, up to 30s; Ctrl-C again to hand them back now"));
    assertTrue(a1.waitFor(30, TimeUnit.SECONDS), "a1 exited");
    assertEquals(0, a1.exitValue(), output("a1"));
    TaskStatus s = status("job");
    assertEquals(TaskState.SUCCEEDED, s.state(), s.why().summary());
    assertEquals("ran on a1\n", s.result().orElseThrow().output().asText());
    assertEquals(1, s.attempt());
    assertFalse(everFailed("job"));
    assertTrue(output("a1").contains("Agent a1 left: 1 finished, 0 handed back"), output("a1"));
    assertEquals(Health.OFFLINE, health("a1"), "it said it left: offline at once, not after a minute");
  }

  @Test
  void workStillRunningAtTheEndOfTheGraceMovesAtOnceAndCompletesElsewhere() throws Exception {
    Process a1 = agent("a1", "--leave-grace", "1s");
    submit("long", "if [ \"$FLEET_MACHINE\" = a1 ]; then sleep 120; fi; echo ran on $FLEET_MACHINE");
    awaitRunningOn("long", "a1");
    long group = taskGroup("a1");
    agent("b1");

    ctrlC(a1);

    assertTrue(a1.waitFor(30, TimeUnit.SECONDS), "a1 exited");
    assertEquals(0, a1.exitValue(), output("a1"));
    await("long done elsewhere", () -> status("long").state() == TaskState.SUCCEEDED);
    TaskStatus s = status("long");
    assertEquals("ran on b1\n", s.result().orElseThrow().output().asText());
    assertEquals("a1 left", s.attempts().get(0).ending());
    assertFalse(everFailed("long"), s.attempts()::toString);
    assertTrue(output("a1").contains("Agent a1 left: 0 finished, 1 handed back to run elsewhere now."), output("a1"));
    await("a1's shell task is gone", () -> ProcessTable.members(group).isEmpty());
  }

  @Test
  void aSecondCtrlCHandsBackAtOnce() throws Exception {
    Process a1 = agent("a1", "--leave-grace", "5m");
    submit("long", "if [ \"$FLEET_MACHINE\" = a1 ]; then sleep 300; fi; echo ran on $FLEET_MACHINE");
    awaitRunningOn("long", "a1");
    agent("b1");
    ctrlC(a1);
    await("a1 drains", () -> output("a1").contains("up to 5m; Ctrl-C again to hand them back now"));

    long before = System.nanoTime();
    ctrlC(a1);
    assertTrue(a1.waitFor(30, TimeUnit.SECONDS), "a1 exited");
    Duration took = Duration.ofNanos(System.nanoTime() - before);

    assertEquals(0, a1.exitValue(), output("a1"));
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "exited " + took + " after the second Ctrl-C");
    assertTrue(output("a1").contains("Agent a1 handing back 1 task now."), output("a1"));
    await("long done elsewhere", () -> status("long").state() == TaskState.SUCCEEDED);
    assertEquals("ran on b1\n", status("long").result().orElseThrow().output().asText());
    assertFalse(everFailed("long"), status("long").attempts()::toString);
  }

  @Test
  void afterKillNineOfTheAgentNoProcessOfItsShellTaskIsLeftWithinTheBound() throws Exception {
    Process a1 = agent("a1");
    submit("stubborn", "sh -c 'trap \"\" TERM; sleep 300' & trap '' TERM; sleep 300");
    awaitRunningOn("stubborn", "a1");
    long group = taskGroup("a1");
    await("the task's processes run", () -> ProcessTable.members(group).size() >= 4);

    a1.destroyForcibly(); // SIGKILL: no shutdown hook, no leave, nothing the agent can do
    long killed = System.nanoTime();
    await("no process of the task's group left", () -> ProcessTable.members(group).isEmpty());
    Duration took = Duration.ofNanos(System.nanoTime() - killed);

    System.out.println("AgentProcessTest: after kill -9 of the agent its shell task's process group was gone in "
        + took.toMillis() + " ms");
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "gone after " + took + "; the stated bound is ~3 s");
  }

  @Test
  void aOneSlotAgentRunsOneTaskAtATime() throws Exception {
    agent("a1", "--slots", "1");
    assertEquals("1", fleet.registry().get(MachineId.of("a1")).orElseThrow().machine().labels().get("slots"));
    Path lock = dir.resolve("running");
    Path overlaps = dir.resolve("overlaps");
    for (int i = 0; i < 4; i++) {
      submit("t" + i, "mkdir " + lock + " || echo t" + i + " >> " + overlaps + "; sleep 0.3; rmdir " + lock);
    }
    await("all four done", () -> {
      for (int i = 0; i < 4; i++) {
        if (status("t" + i).state() != TaskState.SUCCEEDED) {
          return false;
        }
      }
      return true;
    });
    assertFalse(Files.exists(overlaps), () -> "ran at once: " + output("a1"));
  }

  /** Runs a {@code fleet} command in this JVM; returns its exit status, standard output and standard error. */
  private static String[] run(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cl = new picocli.CommandLine(new FleetCommand());
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void fleetSleepAnnouncesSleepWithTheAgentsCredentialAndTheAgentHoldsItsHeartbeats() throws Exception {
    agent("a1");
    String state = dir.resolve("a1").toString();
    await("a1 keeps its credential", () -> Files.isRegularFile(dir.resolve("a1").resolve("agent-a1.credential")));

    String[] slept = run("sleep", "--state-dir", state);

    assertEquals("0", slept[0], slept[2]);
    assertEquals("Told the coordinator at " + coordinator.uri() + " that a1 goes to sleep; its work waits for it.\n",
        slept[1]);
    await("a1 holds its heartbeats", () -> output("a1").contains("holding heartbeats"));
    // A heartbeat in flight when `fleet sleep` spoke may have woken it; the agent then says it again.
    await("a1 asleep at the coordinator", () -> health("a1") == Health.ASLEEP);

    String[] woke = run("sleep", "--woke", "--state-dir", state);
    assertEquals("0", woke[0], woke[2]);
    await("a1 heartbeats again", () -> health("a1") == Health.ONLINE);

    String[] nobody = run("sleep", "--state-dir", dir.resolve("nothing").toString());
    assertEquals("1", nobody[0]);
    assertTrue(nobody[2].startsWith("fleet sleep: no agent credential (agent-<id>.credential) in "), nobody[2]);
    agent("b1", "--state-dir", state);
    await("b1 keeps its credential", () -> Files.isRegularFile(dir.resolve("a1").resolve("agent-b1.credential")));
    String[] two = run("sleep", "--state-dir", state);
    assertEquals("1", two[0]);
    assertTrue(two[2].contains("several agents keep credentials in " + state + " (a1, b1); give --id"), two[2]);
  }

  @Test
  void anAgentWhoseJoinTokenIsRefusedExitsNonZeroAndSaysWhatToDo() {
    String[] r = run("agent", "--join", coordinator.uri().toString(), "--token", HttpCoordinator.newSecret(),
        "--id", "z", "--no-probes", "--state-dir", dir.resolve("z").toString());
    assertEquals("1", r[0], r[1] + r[2]);
    assertTrue(r[2].startsWith("fleet agent: the coordinator refused the join token (HTTP 401): "), r[2]);
    assertTrue(r[2].contains("check that --token or --token-file holds the fleet's current join token"), r[2]);
  }

  @Test
  void anAgentStartedWithoutJoinUsesTheCoordinatorsItsLastRunSavedAndSaysSoWhenThereAreNone() {
    String state = dir.resolve("r").toString();
    String[] first = run("agent", "--join", coordinator.uri().toString(), "--token", joinToken, "--id", "r1",
        "--no-probes", "--state-dir", state, "--stop-after", "1s");
    assertEquals("0", first[0], first[1] + first[2]);
    assertEquals(coordinator.uri().toString(), read(dir.resolve("r").resolve("agent-r1.coordinator")));
    String[] again = run("agent", "--id", "r1", "--token", joinToken, "--no-probes", "--state-dir", state,
        "--stop-after", "1s");
    assertEquals("0", again[0], again[1] + again[2]);
    assertTrue(again[1].startsWith("Agent r1 ") && again[1].contains(" " + coordinator.uri() + " with "),
        again[1]);

    String[] none = run("agent", "--id", "r2", "--token", joinToken, "--no-probes", "--state-dir", state);
    assertEquals("1", none[0], none[1] + none[2]);
    assertTrue(none[2].contains("give --join URL[,URL...]: no coordinator is saved for r2 in "
        + dir.resolve("r").toAbsolutePath().resolve("agent-r2.coordinator")), none[2]);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aOneSlotAgentNeverHoldsTwoAttempts() throws Exception {
    AtomicInteger held = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    fleet.subscribe(e -> {
      if (e instanceof FleetEvent.TaskChanged c) {
        boolean was = c.from() == TaskState.DISPATCHED || c.from() == TaskState.RUNNING || c.from() == TaskState.PAUSED;
        boolean is = c.to() == TaskState.DISPATCHED || c.to() == TaskState.RUNNING || c.to() == TaskState.PAUSED;
        if (is && !was) {
          most.accumulateAndGet(held.incrementAndGet(), Math::max);
        } else if (was && !is) {
          held.decrementAndGet();
        }
      }
    });
    agent("a1", "--slots", "1");
    for (int i = 0; i < 6; i++) {
      submit("t" + i, "sleep 0.2");
    }
    await("all six done", () -> {
      for (int i = 0; i < 6; i++) {
        if (status("t" + i).state() != TaskState.SUCCEEDED) {
          return false;
        }
      }
      return true;
    });
    assertEquals(1, most.get(), "attempts held by a1 at once");
  }
}
