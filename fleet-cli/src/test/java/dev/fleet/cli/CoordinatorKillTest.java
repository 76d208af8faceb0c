package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.transport.http.HttpFleetClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real coordinator process with {@code kill -9} (destroyForcibly) at random moments while real agent
 * processes work and a client submits, restarts it with the same state directory each time, and checks that
 * every submission the client was told was accepted finishes with exactly one accepted result, and that no task
 * ran twice. The agents log every execution start with its token; the test reads those logs.
 *
 * <p>{@code -Dfleet.crash.rounds=N} sets the rounds (20 by default), {@code -Dfleet.crash.seed=S} the seed;
 * {@code scripts/coordinator-crash.sh} runs many rounds.
 */
class CoordinatorKillTest {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final List<String> AGENTS = List.of("a1", "a2", "a3");

  @TempDir
  Path dir;

  private Process coordinator;
  private final List<Process> agents = new ArrayList<>();
  private int port;
  private int starts;

  @Test
  void everyAcceptedTaskFinishesOnceThroughKillNineRestarts() throws Exception {
    int rounds = Integer.getInteger("fleet.crash.rounds", 20);
    long seed = Long.getLong("fleet.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Path state = dir.resolve("state");
    port = freePort();
    try {
      startCoordinator();
      HttpFleetClient client = HttpFleetClient.connect(URI.create("http://127.0.0.1:" + port),
          Files.readString(state.resolve(StateDir.CLIENT_TOKEN)).trim());
      for (String id : AGENTS) {
        agents.add(new ProcessBuilder(JAVA, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
            System.getProperty("java.class.path"), CrashAgentMain.class.getName(), "http://127.0.0.1:" + port,
            state.resolve(StateDir.JOIN_TOKEN).toString(), id, dir.resolve("agent-" + id).toString(),
            dir.resolve("exec-" + id + ".log").toString(), "4")
            .redirectErrorStream(true).redirectOutput(dir.resolve("agent-" + id + ".out").toFile()).start());
      }
      await("three agents joined", Duration.ofSeconds(60), () -> joined(client) == 3);

      Submitter submitter = new Submitter(client, new Random(random.nextLong()));
      Thread submitting = new Thread(submitter, "crash-test-submitter");
      submitting.start();
      int inFlightAtKills = 0;
      for (int round = 1; round <= rounds; round++) {
        // Let agents work and the client submit for a while, then kill the coordinator mid-flight.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300 + random.nextInt(1200)));
        inFlightAtKills += running(client);
        coordinator.destroyForcibly().waitFor();
        startCoordinator();
      }
      submitter.stop.set(true);
      submitting.join(30_000);

      Map<TaskId, TaskStatus> finals = new TreeMap<>();
      List<TaskId> lost = new ArrayList<>();
      await("every accepted task finished", Duration.ofSeconds(120), () -> {
        int asked = 0;
        for (TaskId id : submitter.accepted) {
          if (!finals.containsKey(id) && asked++ < 50) { // a few at a time: the client token is rate-limited
            Optional<TaskStatus> s;
            try {
              s = client.task(id);
            } catch (RuntimeException e) {
              return false;
            }
            if (s.isEmpty()) {
              lost.add(id); // the coordinator does not know a task it accepted
              finals.put(id, null);
            } else if (s.get().state().isFinal()) {
              finals.put(id, s.get());
            }
          }
        }
        return finals.size() == submitter.accepted.size();
      });

      Map<String, List<String>> starts = executions();
      List<String> problems = new ArrayList<>();
      for (TaskId id : lost) {
        problems.add(id + " was accepted, but the coordinator does not know it after the restarts");
      }
      for (Map.Entry<TaskId, TaskStatus> e : finals.entrySet()) {
        TaskStatus s = e.getValue();
        if (s == null) {
          continue;
        }
        if (s.state() != TaskState.SUCCEEDED) {
          problems.add(e.getKey() + " ended " + s.state() + ": " + s.why().summary());
          continue;
        }
        String[] out = s.result().orElseThrow().output().asText().split(" ");
        List<String> ran = starts.getOrDefault(e.getKey().value(), List.of());
        // Lines read "<agent> start <task> <token> <attempt> <millis>".
        if (ran.stream().noneMatch(line -> line.split(" ")[3].equals(out[1]))) {
          problems.add(e.getKey() + " has a result from token " + out[1] + " that no agent logged starting: " + ran);
        }
      }
      for (Map.Entry<String, List<String>> e : starts.entrySet()) {
        if (e.getValue().size() != 1) {
          problems.add(e.getKey() + " ran " + e.getValue().size() + " times: " + e.getValue());
        }
      }
      String summary = rounds + " kill -9 rounds (seed " + seed + "): " + submitter.accepted.size()
          + " tasks accepted, " + submitter.unanswered.get()
          + " submission tries unanswered (the coordinator was down) and retried, "
          + starts.size() + " tasks executed, " + inFlightAtKills + " running at the kills";
      System.out.println("CoordinatorKillTest: " + summary);
      assertTrue(problems.isEmpty(), summary + "\n" + String.join("\n", problems.subList(0,
          Math.min(30, problems.size()))) + tails());
      assertTrue(submitter.accepted.size() > rounds, "the client got work accepted: " + summary);
      assertEquals(submitter.accepted.size(), finals.size());
    } finally {
      for (Process p : agents) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      if (coordinator != null) {
        coordinator.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Submits small batches with fresh ids; a batch without an answer is sent again, the same, until answered. */
  private static final class Submitter implements Runnable {
    final HttpFleetClient client;
    final Random random;
    final AtomicBoolean stop = new AtomicBoolean();
    final Set<TaskId> accepted = ConcurrentHashMap.newKeySet();
    final AtomicInteger unanswered = new AtomicInteger();
    int next;

    Submitter(HttpFleetClient client, Random random) {
      this.client = client;
      this.random = random;
    }

    @Override
    public void run() {
      List<Task> batch = null;
      while (!stop.get() || batch != null) {
        if (batch == null) {
          batch = new ArrayList<>();
          for (int i = 1 + random.nextInt(3); i > 0; i--) {
            batch.add(Task.newBuilder("t-" + (++next)).requires("work")
                .payload(Payload.text("sleep " + (50 + random.nextInt(400)), "text/plain")).build());
          }
        }
        try {
          client.submit(batch);
          batch.forEach(t -> accepted.add(t.id()));
          batch = null;
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20 + random.nextInt(60)));
        } catch (RuntimeException e) {
          // No answer (the coordinator died mid-request, or is starting): the outcome is unknown, so the same
          // tasks go again; a task that was accepted already is answered with its decision.
          unanswered.incrementAndGet();
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
      }
    }
  }

  private void startCoordinator() throws IOException {
    starts++;
    coordinator = new ProcessBuilder(JAVA, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), FleetCommand.class.getName(), "coordinator", "--port",
        String.valueOf(port), "--state-dir", dir.resolve("state").toString(), "--heartbeat-interval", "250ms",
        "--offline-after", "15s")
        .redirectErrorStream(true).redirectOutput(dir.resolve("coordinator-" + starts + ".out").toFile()).start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    await("coordinator start " + starts + " answers", Duration.ofSeconds(60), () -> {
      if (!coordinator.isAlive()) {
        throw new IllegalStateException("the coordinator exited with " + coordinator.exitValue() + tails());
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/ping"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
  }

  private static long joined(HttpFleetClient client) {
    try {
      return client.machines().stream().filter(m -> m.connected() && m.status().health().word().equals("online"))
          .count();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static int running(HttpFleetClient client) {
    try {
      return client.machines().stream().mapToInt(m -> m.tasks().size()).sum();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Every execution start the agents logged, by task. */
  private Map<String, List<String>> executions() throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String id : AGENTS) {
      Path log = dir.resolve("exec-" + id + ".log");
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log)) {
          String[] f = line.split(" ");
          out.computeIfAbsent(f[1], k -> new ArrayList<>()).add(id + " " + line);
        }
      }
    }
    return out;
  }

  private String tails() {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".out")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        sb.append("\n--- ").append(f.getFileName()).append(" ---\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
      }
    } catch (IOException e) {
      sb.append("\n(cannot read logs: ").append(e).append(')');
    }
    return sb.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Polls a condition that lives in other processes; nothing in this JVM signals it. */
  private static void await(String what, Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting: " + what + " within " + limit);
      }
      LockSupport.parkNanos(50_000_000L);
    }
  }
}
