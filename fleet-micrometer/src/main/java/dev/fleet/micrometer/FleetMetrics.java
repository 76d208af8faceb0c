package dev.fleet.micrometer;

import dev.fleet.Fleet;
import dev.fleet.Health;
import dev.fleet.Priority;
import dev.fleet.Subscription;
import dev.fleet.FleetStats;
import dev.fleet.FleetStats.MachineGroup;
import dev.fleet.FleetStats.QueueGroup;
import dev.fleet.FleetStats.Snapshot;
import dev.fleet.spi.Ticker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link MeterBinder} over a fleet built by {@code Fleets.newBuilder()}: its machines by health and
 * role, its queue by priority and capabilities, its dispatch decisions, failovers, dead letters, heartbeats and
 * journal, and timers of how long tasks waited and ran. The meters are listed in {@code docs/operations.md}.
 *
 * <p>Costs the fleet nothing per request: the counts are counters the fleet keeps anyway, read from one
 * {@link FleetStats#snapshot()} (under the fleet's lock once, shared by every meter read within a second of
 * it); the timers are fed from the fleet's events on its event thread (a fleet with no listener before starts
 * building its task events when this binds; a coordinator builds them anyway). The gauges tagged by role and by
 * capabilities are registered for the groups present at the last {@link #refresh()} (at binding, at each
 * change of a machine's health, and wherever the embedder calls it, e.g. before each scrape), and read their
 * values from the latest snapshot.
 *
 * <p>Thread-safe. Bound to one registry (use a {@code CompositeMeterRegistry} for several); {@link #close()}
 * stops listening and removes its meters from it.
 */
public final class FleetMetrics implements MeterBinder, AutoCloseable {
  /** How long a snapshot serves meter reads before the next read takes a fresh one. */
  static final long SNAPSHOT_MAX_AGE_NANOS = Duration.ofSeconds(1).toNanos();
  /** The percentiles the timers publish. */
  private static final double[] PERCENTILES = {0.5, 0.95, 0.99};
  /** The tag value of an empty role or capability set (an empty label reads as an absent one in Prometheus). */
  static final String NONE = "(none)";

  private final Fleet fleet;
  private final FleetStats stats;
  private final Ticker ticker;
  private final Tags tags;
  private final Object snapshotLock = new Object();
  private volatile Taken latest;
  /** Guarded by {@code this}. */
  private MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private MultiGauge machines;
  private MultiGauge queue;
  private boolean closed;

  private record Taken(long atNanos, Snapshot snapshot) {}

  /**
   * Metrics of {@code fleet}, snapshots aged by the system ticker, with no common tags.
   *
   * @param fleet a fleet built by {@code Fleets.newBuilder()}; it is not closed with these metrics
   * @throws NullPointerException if {@code fleet} is null
   * @throws IllegalArgumentException if the fleet was not built by {@code Fleets.newBuilder()} (it keeps no counts)
   */
  public FleetMetrics(Fleet fleet) {
    this(fleet, Ticker.system(), Tags.empty());
  }

  /**
   * Metrics of {@code fleet}, whose snapshots are aged by {@code ticker}, every meter carrying {@code tags}.
   *
   * @param fleet a fleet built by {@code Fleets.newBuilder()}; it is not closed with these metrics
   * @param ticker the clock that ages a snapshot: one serves every meter read within a second of it
   * @param tags tags added to every meter, e.g. the coordinator's name; may be empty
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the fleet was not built by {@code Fleets.newBuilder()} (it keeps no counts)
   */
  public FleetMetrics(Fleet fleet, Ticker ticker, Iterable<Tag> tags) {
    this.fleet = Objects.requireNonNull(fleet, "fleet");
    this.stats = fleet.stats().orElseThrow(() -> new IllegalArgumentException(
        "fleet " + fleet + " keeps no counts: metrics need a fleet built by Fleets.newBuilder()"));
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
  }

  @Override
  public synchronized void bindTo(MeterRegistry r) {
    Objects.requireNonNull(r, "registry");
    if (closed) {
      throw new IllegalStateException("these fleet metrics are closed");
    }
    if (registry != null) {
      throw new IllegalStateException("these fleet metrics are bound to " + registry + " already; bind one "
          + "CompositeMeterRegistry to reach several");
    }
    registry = r;
    counter(r, "fleet.heartbeats", "Heartbeats accepted from machines (stale and repeated ones are not counted)",
        Tags.empty(), s -> s.heartbeats());
    String decisions = "Dispatch decisions: dispatched (an attempt given to a machine: a first dispatch, a retry or a "
        + "reroute), queued (a new submission that had to wait), rejected (a new submission refused)";
    counter(r, "fleet.dispatch.decisions", decisions, Tags.of("outcome", "dispatched"), s -> s.dispatched());
    counter(r, "fleet.dispatch.decisions", decisions, Tags.of("outcome", "queued"), s -> s.queued());
    counter(r, "fleet.dispatch.decisions", decisions, Tags.of("outcome", "rejected"), s -> s.rejected());
    counter(r, "fleet.tasks.completed", "Tasks that finished with a result, successful or failed", Tags.empty(),
        s -> s.completed());
    counter(r, "fleet.failovers", "Attempts moved off a machine that was gone (offline, left, restarted, past "
        + "its drain)", Tags.empty(), s -> s.failovers());
    counter(r, "fleet.tasks.dead.lettered", "Tasks that lost their machine on every attempt they were allowed",
        Tags.empty(), s -> s.deadLettered());
    gauge(r, "fleet.queue.delayed", "Tasks waiting out a reschedule delay before their next attempt", Tags.empty(),
        s -> s.delayed());
    TaskTimes times = new TaskTimes(
        timer(r, "fleet.task.wait", "How long a task waited from submission (or losing its machine) to dispatch"),
        timer(r, "fleet.task.run", "How long a task ran, from its start (or dispatch) to its result, succeeded or "
            + "failed"),
        this::refresh);
    Snapshot first = refresh();
    if (first.journaled()) {
      counter(r, "fleet.journal.appends", "Records appended to the journal since it was opened", Tags.empty(),
          s -> s.journalAppends());
      gauge(r, "fleet.journal.failed", "1 once the journal failed and the fleet takes no more changes, else 0",
          Tags.empty(), s -> s.journalFailure().isPresent() ? 1 : 0);
      Timer sync = timer(r, "fleet.journal.sync", "How long a change waited for the journal to make it durable "
          + "(a write and an fsync, shared by every change in the same group commit)");
      subscriptions.add(stats.watchJournalSyncs(nanos -> sync.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS)));
    }
    machines = MultiGauge.builder("fleet.machines").description("Machines registered, by health and role")
        .tags(tags).register(r);
    queue = MultiGauge.builder("fleet.queue.tasks").description("Tasks waiting in the queue, by priority and the "
        + "capabilities they need").tags(tags).register(r);
    registerRows(first);
    subscriptions.add(fleet.subscribe(times));
  }

  /**
   * Takes a fresh snapshot and registers the gauges of every role and capability set the fleet has now (those
   * that are gone are removed). Call it before a scrape to have a role that appeared a moment ago show at once.
   *
   * @return the snapshot taken
   */
  public Snapshot refresh() {
    Snapshot s = take();
    synchronized (this) {
      if (machines != null && !closed) {
        registerRows(s);
      }
    }
    return s;
  }

  /** Stops feeding the timers and removes every meter this binder registered. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Subscription s : subscriptions) {
      s.close();
    }
    if (registry != null) {
      machines.register(List.of(), true);
      queue.register(List.of(), true);
      for (Meter m : meters) {
        registry.remove(m);
      }
    }
  }

  /** The snapshot meters read: the last one if it is under a second old, else a fresh one. */
  Snapshot latest() {
    Taken t = latest;
    if (t != null && ticker.read() - t.atNanos < SNAPSHOT_MAX_AGE_NANOS) {
      return t.snapshot;
    }
    synchronized (snapshotLock) {
      t = latest;
      if (t != null && ticker.read() - t.atNanos < SNAPSHOT_MAX_AGE_NANOS) {
        return t.snapshot;
      }
      return take();
    }
  }

  private Snapshot take() {
    long at = ticker.read();
    Snapshot s = stats.snapshot();
    latest = new Taken(at, s);
    return s;
  }

  /** Called under this object's monitor. */
  private void registerRows(Snapshot s) {
    Set<String> roles = new TreeSet<>();
    for (MachineGroup g : s.machines().keySet()) {
      roles.add(g.role());
    }
    List<MultiGauge.Row<?>> machineRows = new ArrayList<>();
    for (String role : roles) {
      for (Health h : Health.values()) {
        if (h == Health.LEFT) {
          continue; // a machine that left is not in the registry
        }
        MachineGroup g = new MachineGroup(h, role);
        machineRows.add(MultiGauge.Row.of(Tags.of("health", h.word(), "role", role.isEmpty() ? NONE : role), this,
            m -> m.latest().machines().getOrDefault(g, 0)));
      }
    }
    machines.register(machineRows, true);
    List<MultiGauge.Row<?>> queueRows = new ArrayList<>();
    for (QueueGroup g : s.queue().keySet()) {
      queueRows.add(MultiGauge.Row.of(Tags.of("priority", word(g.priority()), "capabilities",
          capabilities(g.capabilities())), this, m -> m.latest().queue().getOrDefault(g, 0)));
    }
    queue.register(queueRows, true);
  }

  static String word(Priority p) {
    return p.name().toLowerCase(Locale.ROOT);
  }

  /** A capability set as one tag value: sorted, comma-separated. */
  static String capabilities(Set<String> set) {
    return set.isEmpty() ? NONE : String.join(",", new TreeSet<>(set));
  }

  private void counter(MeterRegistry r, String name, String description, Tags extra,
      ToDoubleFunction<Snapshot> value) {
    meters.add(FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.latest())).description(description)
        .tags(tags).tags(extra).register(r));
  }

  private void gauge(MeterRegistry r, String name, String description, Tags extra,
      ToDoubleFunction<Snapshot> value) {
    meters.add(Gauge.builder(name, this, m -> value.applyAsDouble(m.latest())).description(description)
        .tags(tags).tags(extra).register(r));
  }

  private Timer timer(MeterRegistry r, String name, String description) {
    Timer t = Timer.builder(name).description(description).tags(tags).publishPercentiles(PERCENTILES)
        .register(r);
    meters.add(t);
    return t;
  }
}
