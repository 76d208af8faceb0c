package dev.fleet.cli;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Payload;
import dev.fleet.Priority;
import dev.fleet.Task;
import dev.fleet.TaskState;
import dev.fleet.Weight;
import dev.fleet.core.Fleets;
import dev.fleet.core.InProcessTransport;
import dev.fleet.json.RegistryEntry;
import dev.fleet.json.RegistryJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code fleet demo}: the seed's three machines in one JVM on a simulated clock, walked through
 * dispatch, queueing, automatic retry and a machine going offline, printed as tables.
 *
 * <p>Runs on the calling thread; events are delivered synchronously.
 */
@Command(name = "demo", description = "Walk the seed's three-machine fleet through dispatch, queueing and failure.")
final class DemoCommand implements Callable<Integer> {
  private static final Instant START = Instant.parse("2026-04-29T10:30:00Z");
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  @Spec
  CommandSpec spec;

  @picocli.CommandLine.Option(names = "--network",
      description = "Run over HTTP instead: a coordinator here and one agent process per seed machine on 127.0.0.1;"
          + " one agent is killed with work in flight.")
  boolean network;

  private final AtomicLong nanos = new AtomicLong();
  private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
  private final Map<MachineId, SimulatedAgent> agents = new LinkedHashMap<>();
  private final List<Task> submitted = new ArrayList<>();
  private final InProcessTransport transport = new InProcessTransport();
  private PrintWriter out;
  private Fleet fleet;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Logs.narrated();
    if (network) {
      return new NetworkDemo(out).run();
    }
    InstantSource wall = () -> START.plusNanos(nanos.get());
    // The demo moves time itself and sweeps when it does, so the fleet's own scheduler never needs to fire.
    try (Fleet f = Fleets.newBuilder().ticker(nanos::get).wallClock(wall).scheduler((cmd, delay) -> () -> {})
        .eventExecutor(Runnable::run).listener(events::add).transport(transport).build()) {
      fleet = f;
      loadSeed();
      seedExample();
      burst();
      queuedThenDispatched();
      machineGoesOffline();
      summary();
      capacity();
    }
    out.flush();
    return 0;
  }

  private void loadSeed() {
    heading("1. The seed's registry, loaded from its JSON");
    for (RegistryEntry e : RegistryJson.seed()) {
      fleet.registry().register(e.machine(), e.status(), e.currentLoad());
      SimulatedAgent agent = new SimulatedAgent(fleet, e.machine().id(), e.currentLoad());
      agents.put(e.machine().id(), agent);
      transport.connect(e.machine().id(), agent);
    }
    events.clear();
    machines();
  }

  private void seedExample() {
    heading("2. The seed's example task");
    Task task = Task.newBuilder("social-posts").title("Generate social media posts").requires("social")
        .payload(Payload.json("{\"topics\":[\"AI automation\",\"sovereign stack\"]}")).build();
    Decision d = submit(task);
    out.println("  dispatch({title: 'Generate social media posts', requires: 'social', priority: 'normal'})");
    out.println("  -> " + outcome(d) + ": " + d.why().summary());
    out.println();
  }

  private void burst() {
    heading("3. A burst of mixed tasks");
    List<Task> tasks = List.of(
        task("inbox", "Summarise the inbox", Priority.NORMAL, Weight.NORMAL, "inference"),
        task("refactor", "Refactor the billing module", Priority.HIGH, Weight.NORMAL, "code"),
        task("site", "Deploy the website", Priority.NORMAL, Weight.NORMAL, "deploy"),
        task("tests", "Run the test suite", Priority.NORMAL, Weight.NORMAL, "testing"),
        task("week", "Plan the week", Priority.LOW, Weight.LIGHT, "planning"),
        task("backup", "Check last night's backup", Priority.BACKGROUND, Weight.LIGHT, "cron"),
        task("pager", "Page on the failed backup", Priority.URGENT, Weight.LIGHT, "alerts"),
        task("reindex", "Reindex the brain", Priority.NORMAL, Weight.HEAVY, "brain"),
        task("podcast", "Transcribe the podcast", Priority.NORMAL, Weight.HEAVY, "inference"),
        task("thread", "Draft a launch thread", Priority.HIGH, Weight.NORMAL, "social", "inference"),
        task("video", "Render the launch video", Priority.NORMAL, Weight.HEAVY, "video"));
    Table t = new Table("TASK", "REQUIRES", "PRIORITY", "OUTCOME", "WHY");
    for (Task task : tasks) {
      Decision d = submit(task);
      t.row(task.id(), String.join("+", task.requires()), task.priority().word(), outcome(d), d.why().summary());
    }
    out.print(t.render("  "));
    Decision video = fleet.dispatcher().plan(tasks.get(tasks.size() - 1));
    out.println("  'video' waits: " + String.join("; ", video.why().unblockers()));
    out.println();
    out.println("  Five seconds later every agent heartbeats, reporting the work it started:");
    events.clear();
    tick(Duration.ofSeconds(5));
    printEvents();
    machines();
  }

  private void queuedThenDispatched() {
    heading("4. A task waits for a busy machine, then runs when it frees up");
    Decision d = null;
    int n = 0;
    while (!(d instanceof Decision.Queued)) {
      d = submit(task("post-" + (++n), "Schedule social post " + n, Priority.NORMAL, Weight.NORMAL, "social"));
      if (d instanceof Decision.Dispatched x) {
        out.println("  post-" + n + " -> " + x.machine() + " (" + x.why().summary() + ")");
      }
    }
    out.println("  post-" + n + " waits: " + d.why().render().replace("\n", "\n  "));
    events.clear();
    SimulatedAgent mirror = agents.get(MachineId.of("m4-mirror"));
    int done = mirror.finish(3);
    out.println("  m4-mirror finishes " + done + " tasks and heartbeats at load "
        + String.format(Locale.ROOT, "%.2f", mirror.load()));
    mirror.heartbeat();
    printEvents();
    out.println();
  }

  private void machineGoesOffline() {
    heading("5. gcp-watcher stops heartbeating");
    SimulatedAgent watcher = agents.get(MachineId.of("gcp-watcher"));
    watcher.silent = true;
    events.clear();
    for (int i = 0; i < 6; i++) {
      tick(Duration.ofSeconds(5));
    }
    printEvents();
    Decision d = submit(task("uptime", "Check uptime of the website", Priority.HIGH, Weight.LIGHT, "monitoring"));
    out.println("  uptime -> " + outcome(d) + ": " + d.why().summary());
    d.why().unblockers().forEach(u -> out.println("    " + u));
    out.println("  gcp-watcher comes back, and a second later the moved tasks' retry delay is over:");
    events.clear();
    watcher.silent = false;
    watcher.heartbeat();
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    fleet.monitor().sweep(nanos.get());
    printEvents();
    out.println();
  }

  private void summary() {
    heading("6. Where everything stands");
    machines();
    Map<TaskState, Integer> byState = new EnumMap<>(TaskState.class);
    for (Task t : submitted) {
      fleet.dispatcher().status(t.id()).ifPresent(s -> byState.merge(s.state(), 1, Integer::sum));
    }
    Table t = new Table("STATE", "TASKS");
    byState.forEach((s, n) -> t.row(s.name().toLowerCase(Locale.ROOT), n));
    out.print(t.render("  "));
    out.println();
    out.println("The rules this fleet followed (fleet rules):");
    out.print(fleet.describeRules());
  }

  private void capacity() {
    out.println();
    heading("7. What the fleet's own history says (fleet capacity)");
    out.print(CapacityPage.render(fleet.capacity(Duration.ofHours(24))));
  }

  // ------------------------------------------------------------------ helpers

  private Decision submit(Task task) {
    submitted.add(task);
    return fleet.dispatcher().submit(task);
  }

  /** Advances the simulated clock; every agent that is not silent heartbeats, then the fleet sweeps. */
  private void tick(Duration step) {
    nanos.addAndGet(step.toNanos());
    agents.values().forEach(SimulatedAgent::heartbeat);
    fleet.monitor().sweep(nanos.get());
  }

  private void printEvents() {
    List<FleetEvent> seen = List.copyOf(events);
    events.clear();
    Table t = new Table("TIME", "EVENT", "DETAIL");
    for (FleetEvent e : seen) {
      String time = CLOCK.format(START.plusNanos(e.atNanos()));
      if (e instanceof FleetEvent.HealthChanged h) {
        t.row(time, h.machine() + " " + h.from().word() + " -> " + h.to().word(), h.reason());
      } else if (e instanceof FleetEvent.TaskChanged c && c.to() == TaskState.DISPATCHED) {
        t.row(time, c.task() + " dispatched to " + c.machine().map(MachineId::value).orElse("?"), c.reason());
      } else if (e instanceof FleetEvent.TaskChanged c && c.from() != TaskState.QUEUED
          && (c.to() == TaskState.QUEUED || c.to() == TaskState.DEAD_LETTERED)) {
        t.row(time, c.task() + " moved off " + c.machine().map(MachineId::value).orElse("?"), c.reason());
      }
    }
    out.print(t.render("  "));
  }

  private void machines() {
    Table t = new Table("MACHINE", "ROLE", "CAPABILITIES", "HEALTH", "LOAD", "TASKS", "LAST HEARTBEAT");
    for (MachineStatus m : fleet.registry().list()) {
      t.row(m.id(), m.machine().role(), String.join(", ", m.machine().capabilities()), m.health().word(),
          String.format(Locale.ROOT, "%.2f", m.effectiveLoad()), m.activeTasks(),
          m.lastHeartbeat().map(CLOCK::format).orElse("-"));
    }
    out.print(t.render("  "));
    out.println();
  }

  private void heading(String text) {
    out.println(text);
  }

  private static String outcome(Decision d) {
    if (d instanceof Decision.Dispatched x) {
      return "dispatched to " + x.machine();
    }
    return d instanceof Decision.Queued ? "queued" : "rejected";
  }

  private static Task task(String id, String title, Priority p, Weight w, String... requires) {
    return Task.newBuilder(id).title(title).priority(p).weight(w).requires(requires).build();
  }
}
