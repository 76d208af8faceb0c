package dev.fleet.cli;

import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.core.FileJournal;
import dev.fleet.core.Fleets;
import dev.fleet.json.RegistryEntry;
import dev.fleet.json.RegistryJson;
import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.HttpCoordinator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * {@code fleet demo --network}: a coordinator in this JVM, journaling to a temporary directory, and one agent
 * process per seed machine on 127.0.0.1; the seed's tasks run over HTTP, one agent is killed with work in
 * flight and its work finishes elsewhere, then the coordinator itself is restarted from its journal with work in
 * flight, and nothing is lost: the agents reconnect as themselves and every task's result is accepted once.
 *
 * <p>Runs on the calling thread; events are printed as they arrive, on the fleet's event thread.
 */
final class NetworkDemo {
  private final PrintWriter out;
  private static final Ticker CLOCK = Ticker.system();
  /** Held so the level set on it is not collected with a weak logger reference. */
  private static final java.util.logging.Logger JETTY = java.util.logging.Logger.getLogger("org.eclipse.jetty");
  private final long start = CLOCK.read();
  private final Map<MachineId, Process> agents = new LinkedHashMap<>();

  NetworkDemo(PrintWriter out) {
    this.out = out;
  }

  int run() throws Exception {
    String joinToken = HttpCoordinator.newSecret();
    String adminToken = HttpCoordinator.newSecret();
    JETTY.setLevel(java.util.logging.Level.WARNING);
    Path state = Files.createTempDirectory("fleet-demo-");
    HttpCoordinator coordinator = HttpCoordinator.newBuilder().joinToken(joinToken).adminToken(adminToken).build();
    Fleet fleet = fleet(coordinator, state);
    try {
      coordinator.start(fleet);
      line("coordinator listening on " + coordinator.uri() + ", journaling to " + state.resolve("journal")
          + "; starting one agent process per seed machine");
      for (RegistryEntry e : RegistryJson.seed()) {
        agents.put(e.machine().id(), startAgent(coordinator.uri().toString(), joinToken, e, state));
      }
      Fleet before = fleet;
      await("all three agents joined", Duration.ofSeconds(30), () -> before.registry().list().stream()
          .filter(m -> m.health() == Health.ONLINE).count() == 3);

      List<Task> tasks = new ArrayList<>();
      tasks.add(Task.newBuilder("social-posts").title("Generate social media posts").requires("social")
          .payload(Payload.text("sleep 500ms", "text/plain")).build());
      for (int i = 1; i <= 6; i++) {
        tasks.add(Task.newBuilder("think-" + i).requires("inference").payload(Payload.text("sleep 3s", "text/plain"))
            .build());
      }
      tasks.add(Task.newBuilder("uptime").requires("monitoring").payload(Payload.text("sleep 200ms", "text/plain"))
          .build());
      tasks.forEach(fleet.dispatcher()::submit);
      // m4-mirror is the only machine with 'social': let the seed's task finish before its agent dies.
      await("the seed's task succeeded", Duration.ofSeconds(20), () -> before.dispatcher()
          .status(tasks.get(0).id()).orElseThrow().state() == TaskState.SUCCEEDED);

      line("kill -9 m4-mirror's agent (pid " + agents.get(MachineId.of("m4-mirror")).pid() + ") with work in flight");
      agents.get(MachineId.of("m4-mirror")).destroyForcibly().waitFor();
      await("the killed agent's work running elsewhere", Duration.ofSeconds(30), () -> tasks.stream().anyMatch(t ->
          before.dispatcher().status(t.id()).map(s -> s.state() == TaskState.RUNNING && s.attempt() >= 2)
              .orElse(false)));

      // The coordinator restarts with work in flight: a new coordinator and fleet, on the same port, from the
      // journal. The agents keep running their work, reconnect with their credentials, and report it.
      long inFlight = tasks.stream().filter(t -> before.dispatcher().status(t.id()).map(s -> !s.state().isFinal())
          .orElse(false)).count();
      int port = coordinator.port();
      line("restarting the coordinator with " + inFlight + " tasks not yet finished");
      coordinator.close();
      fleet.close();
      coordinator = HttpCoordinator.newBuilder().joinToken(joinToken).adminToken(adminToken).port(port).build();
      fleet = fleet(coordinator, state);
      coordinator.start(fleet);
      Fleet after = fleet;
      line("coordinator back on " + coordinator.uri() + " from its journal: " + after.registry().size()
          + " machines, " + tasks.stream().filter(t -> after.dispatcher().status(t.id()).isPresent()).count()
          + " of " + tasks.size() + " tasks known");
      await("every task finished", Duration.ofSeconds(60), () -> tasks.stream().allMatch(t ->
          after.dispatcher().status(t.id()).map(s -> s.state().isFinal()).orElse(false)));

      Table table = new Table("TASK", "STATE", "ATTEMPTS");
      for (Task t : tasks) {
        TaskStatus s = fleet.dispatcher().status(t.id()).orElseThrow();
        table.row(t.id(), s.state().name().toLowerCase(Locale.ROOT),
            String.join("; ", s.attempts().stream().map(Object::toString).toList()));
      }
      out.println();
      out.print(table.render("  "));
      boolean allSucceeded = tasks.stream().allMatch(t ->
          after.dispatcher().status(t.id()).orElseThrow().state() == TaskState.SUCCEEDED);
      out.println(allSucceeded ? "  every task succeeded through an agent crash and a coordinator restart, each "
          + "result accepted once" : "  some tasks did not succeed");
      out.flush();
      return allSucceeded ? 0 : 1;
    } finally {
      agents.values().forEach(Process::destroyForcibly);
      coordinator.close();
      fleet.close();
      deleteTree(state);
    }
  }

  private Fleet fleet(HttpCoordinator coordinator, Path state) {
    return Fleets.newBuilder().transport(coordinator).journal(FileJournal.newBuilder(state.resolve("journal")).build())
        .heartbeatInterval(Duration.ofMillis(500)).suspectAfter(Duration.ofMillis(1500))
        .offlineAfter(Duration.ofSeconds(3)).listener(this::print).build();
  }

  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.io.IOException e) {
      // a temporary directory; the system cleans it up eventually
    }
  }

  private Process startAgent(String url, String joinToken, RegistryEntry e, Path state) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), FleetCommand.class.getName(),
        "agent", "--join", url, "--token", joinToken, "--id", e.machine().id().value(),
        "--hostname", e.machine().hostname(), "--role", e.machine().role(),
        "--capabilities", String.join(",", e.machine().capabilities()), "--no-probes", "--slots", "3",
        "--state-dir", state.resolve("agents").toString(),
        "--stop-after", "2m");
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    // The demo's agents take the options above only, not the FLEET_* variables or config file of whoever runs it.
    b.environment().keySet().removeIf(k -> k.startsWith("FLEET_"));
    Path noConfig = state.resolve("no-config.properties");
    Files.writeString(noConfig, "");
    b.environment().put(OptionKeys.CONFIG_ENV, noConfig.toString());
    return b.start();
  }

  private void print(FleetEvent e) {
    if (e instanceof FleetEvent.HealthChanged h) {
      line(h.machine() + " " + h.from().word() + " -> " + h.to().word() + " (" + h.reason() + ")");
    } else if (e instanceof FleetEvent.TaskChanged t && t.from() != t.to()) {
      line(t.task() + " " + t.to().name().toLowerCase(Locale.ROOT)
          + t.machine().map(m -> (t.to() == TaskState.QUEUED ? " off " : " on ") + m).orElse("")
          + (t.to() == TaskState.DISPATCHED || t.to() == TaskState.QUEUED ? ": " + t.reason() : ""));
    }
  }

  private synchronized void line(String text) {
    out.printf(Locale.ROOT, "  %6.2fs  %s%n", (CLOCK.read() - start) / 1e9, text);
    out.flush();
  }

  private static void await(String what, Duration limit, BooleanSupplier done) {
    long deadline = CLOCK.read() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (CLOCK.read() > deadline) {
        throw new IllegalStateException("gave up waiting: " + what + " within " + limit);
      }
      LockSupport.parkNanos(50_000_000L);
    }
  }
}
