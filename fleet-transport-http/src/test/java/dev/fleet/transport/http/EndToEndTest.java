package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator in this JVM and three agent JVMs on 127.0.0.1: work of several capabilities lands on the right
 * machines, and when an agent is killed with -9 mid-task, it goes offline and all its work completes elsewhere,
 * each result accepted exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final Map<String, Process> AGENTS = new LinkedHashMap<>();
  private static final Map<String, Set<String>> CAPABILITIES = Map.of(
      "m1", Set.of("alpha"), "m2", Set.of("beta"), "m3", Set.of("alpha", "beta"));
  private static TestCoordinator t;
  @TempDir
  static Path logs;

  @BeforeAll
  static void coordinatorAndThreeAgentProcesses() throws Exception {
    t = new TestCoordinator(b -> { }, TestCoordinator.fastHeartbeats());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (String id : List.of("m1", "m2", "m3")) {
      ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
          "-cp", System.getProperty("java.class.path"), TestAgentMain.class.getName(),
          t.coordinator.uri().toString(), t.joinToken, id, String.join(",", CAPABILITIES.get(id)), "2")
          .redirectErrorStream(true).redirectOutput(logs.resolve(id + ".log").toFile());
      AGENTS.put(id, pb.start());
    }
    Await.until(LIMIT, () -> t.fleet.registry().list().stream().filter(m -> m.health() == Health.ONLINE).count() == 3,
        () -> "three agents online: " + t.fleet.registry().list() + logTails());
  }

  @AfterAll
  static void stopEverything() throws Exception {
    for (Process p : AGENTS.values()) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (t != null) {
      t.close();
    }
  }

  private static String logTails() {
    StringBuilder sb = new StringBuilder();
    for (String id : AGENTS.keySet()) {
      try {
        List<String> lines = Files.readAllLines(logs.resolve(id + ".log"));
        sb.append("\n--- ").append(id).append(" ---\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
      } catch (Exception e) {
        sb.append("\n(no log for ").append(id).append(")");
      }
    }
    return sb.toString();
  }

  private static TaskStatus status(String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow();
  }

  private static boolean allSucceeded(List<String> ids) {
    return ids.stream().allMatch(id -> status(id).state() == TaskState.SUCCEEDED);
  }

  private static String states(List<String> ids) {
    return ids.stream().map(id -> id + "=" + status(id).state() + "@" + status(id).machine().map(MachineId::value)
        .orElse("-")).collect(Collectors.joining(" "));
  }

  @Test
  @Order(1)
  void tasksOfSeveralCapabilitiesCompleteOnMachinesThatHaveThem() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      for (String cap : List.of("alpha", "beta")) {
        String id = cap + "-" + i;
        ids.add(id);
        t.fleet.dispatcher().submit(Task.newBuilder(id).requires(cap).payload(Payload.text("sleep 50", "text/plain"))
            .build());
      }
    }
    t.fleet.dispatcher().submit(Task.newBuilder("both").requires("alpha", "beta").build());
    ids.add("both");
    Await.until(LIMIT, () -> allSucceeded(ids), () -> states(ids) + logTails());
    for (String id : ids) {
      TaskStatus s = status(id);
      String machine = s.machine().orElseThrow().value();
      assertTrue(CAPABILITIES.get(machine).containsAll(s.task().requires()), id + " ran on " + machine);
      assertEquals(machine, s.result().orElseThrow().output().asText(), "the machine that ran " + id + " reported it");
    }
    assertEquals("m3", status("both").machine().orElseThrow().value());
    assertEquals(3, t.fleet.registry().size(), "no agent joined twice");
  }

  @Test
  @Order(2)
  void killingAnAgentMidTaskMovesAllItsWorkAndEachResultIsAcceptedOnce() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String id = "long-" + i;
      ids.add(id);
      t.fleet.dispatcher().submit(Task.newBuilder(id).requires("alpha").payload(Payload.text("sleep 1500", "text/plain"))
          .build());
    }
    // m1 and m3 both have 'alpha'; the victim is whichever runs one of these first, the other takes its work.
    String[] victim = new String[1];
    Await.until(LIMIT, () -> {
      for (String id : ids) {
        TaskStatus s = status(id);
        if (s.state() == TaskState.RUNNING) {
          victim[0] = s.machine().orElseThrow().value();
          return true;
        }
      }
      return false;
    }, () -> "an alpha machine runs something: " + states(ids));
    Set<String> onVictim = new HashSet<>();
    for (String id : ids) {
      TaskStatus s = status(id);
      if (!s.state().isFinal() && s.machine().map(m -> m.value().equals(victim[0])).orElse(false)) {
        onVictim.add(id);
      }
    }
    assertTrue(!onVictim.isEmpty());
    Process killed = AGENTS.get(victim[0]);
    killed.destroyForcibly(); // kill -9
    killed.waitFor(10, TimeUnit.SECONDS);

    Await.until(LIMIT, () -> t.fleet.monitor().health(MachineId.of(victim[0])) == Health.OFFLINE,
        () -> victim[0] + " offline: " + t.fleet.registry().list());
    Await.until(LIMIT, () -> allSucceeded(ids), () -> states(ids) + logTails());
    for (String id : ids) {
      TaskStatus s = status(id);
      assertNotEquals(victim[0], s.machine().orElseThrow().value(), id + " finished on the killed machine? " + s);
      assertEquals(s.machine().orElseThrow().value(), s.result().orElseThrow().output().asText());
      if (onVictim.contains(id)) {
        assertTrue(s.attempt() >= 2, id + " was moved: " + s.attempts());
      }
    }
    Await.until(LIMIT, () -> t.events.stream().filter(e -> e instanceof FleetEvent.TaskChanged c
        && c.to() == TaskState.SUCCEEDED && c.task().value().startsWith("long-")).count() >= ids.size(),
        () -> "every success event arrived");
    Map<TaskId, Long> accepted = t.events.stream()
        .filter(e -> e instanceof FleetEvent.TaskChanged c && c.to() == TaskState.SUCCEEDED)
        .collect(Collectors.groupingBy(e -> ((FleetEvent.TaskChanged) e).task(), Collectors.counting()));
    for (String id : ids) {
      assertEquals(1L, accepted.get(TaskId.of(id)), id + " accepted exactly once");
    }
    System.out.println("moved off the killed agent " + victim[0] + ": " + onVictim + "; " + states(ids));
  }
}
