package dev.fleet.cli;

import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.core.Fleets;
import dev.fleet.json.RegistryEntry;
import dev.fleet.json.RegistryJson;
import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.HttpCoordinator;
import java.io.PrintWriter;
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
 * {@code fleet demo --network}: a coordinator in this JVM and one agent process per seed machine on
 * 127.0.0.1; the seed's tasks run over HTTP, one agent is killed with work in flight, and its work finishes
 * elsewhere.
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
    HttpCoordinator coordinator = HttpCoordinator.newBuilder().joinToken(joinToken)
        .adminToken(HttpCoordinator.newSecret()).build();
    JETTY.setLevel(java.util.logging.Level.WARNING);
    try (Fleet fleet = Fleets.newBuilder().transport(coordinator).heartbeatInterval(Duration.ofMillis(500))
        .suspectAfter(Duration.ofMillis(1500)).offlineAfter(Duration.ofSeconds(3)).listener(this::print).build()) {
      coordinator.start(fleet);
      line("coordinator listening on " + coordinator.uri() + "; starting one agent process per seed machine");
      for (RegistryEntry e : RegistryJson.seed()) {
        agents.put(e.machine().id(), startAgent(coordinator.uri().toString(), joinToken, e));
      }
      await("all three agents joined", Duration.ofSeconds(30), () -> fleet.registry().list().stream()
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
      await("the seed's task succeeded", Duration.ofSeconds(20), () -> fleet.dispatcher()
          .status(tasks.get(0).id()).orElseThrow().state() == TaskState.SUCCEEDED);

      line("kill -9 m4-mirror's agent (pid " + agents.get(MachineId.of("m4-mirror")).pid() + ") with work in flight");
      agents.get(MachineId.of("m4-mirror")).destroyForcibly().waitFor();
      await("every task finished", Duration.ofSeconds(60), () -> tasks.stream().allMatch(t ->
          fleet.dispatcher().status(t.id()).map(s -> s.state().isFinal()).orElse(false)));

      Table table = new Table("TASK", "STATE", "ATTEMPTS");
      for (Task t : tasks) {
        TaskStatus s = fleet.dispatcher().status(t.id()).orElseThrow();
        table.row(t.id(), s.state().name().toLowerCase(Locale.ROOT),
            String.join("; ", s.attempts().stream().map(Object::toString).toList()));
      }
      out.println();
      out.print(table.render("  "));
      boolean allSucceeded = tasks.stream().allMatch(t ->
          fleet.dispatcher().status(t.id()).orElseThrow().state() == TaskState.SUCCEEDED);
      out.println(allSucceeded ? "  every task succeeded, each result accepted once" : "  some tasks did not succeed");
      out.flush();
      return allSucceeded ? 0 : 1;
    } finally {
      agents.values().forEach(Process::destroyForcibly);
      coordinator.close();
    }
  }

  private Process startAgent(String url, String joinToken, RegistryEntry e) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), FleetCommand.class.getName(),
        "agent", "--join", url, "--token", joinToken, "--id", e.machine().id().value(),
        "--hostname", e.machine().hostname(), "--role", e.machine().role(),
        "--capabilities", String.join(",", e.machine().capabilities()), "--no-probes", "--slots", "3",
        "--stop-after", "2m");
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
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
