package dev.fleet.core;

import dev.fleet.Fleet;
import dev.fleet.FleetListener;
import dev.fleet.core.internal.DaemonScheduler;
import dev.fleet.core.internal.FleetConfig;
import dev.fleet.core.internal.FleetCore;
import dev.fleet.core.internal.LeastLoaded;
import dev.fleet.spi.PlacementStrategy;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Configures and builds a {@link Fleet}. Each setting may be given once; every one has a default.
 *
 * <p>Defaults: the system ticker and clock, load ceiling 0.80 (urgent 0.95), 0.10 load per dispatched
 * task until reported, heartbeats every 5 s, suspect after 15 s and offline after 30 s of silence, the
 * least-loaded strategy, a queue of at most 100,000 tasks, the last 100,000 finished tasks kept for
 * status queries, idempotency keys remembered for 24 h, events delivered on one daemon thread, sweeps
 * on another.
 *
 * <p>Not thread-safe; build on one thread. The built fleet is thread-safe.
 */
public final class FleetBuilder {
  private Ticker ticker;
  private InstantSource wallClock;
  private Executor eventExecutor;
  private Scheduler scheduler;
  private PlacementStrategy strategy;
  private Double loadCeiling;
  private Double urgentLoadCeiling;
  private Double loadPerTask;
  private Duration heartbeatInterval;
  private Duration suspectAfter;
  private Duration offlineAfter;
  private Integer maxQueuedTasks;
  private Integer finishedTaskRetention;
  private Duration idempotencyWindow;
  private final List<FleetListener> listeners = new ArrayList<>();
  private boolean built;

  FleetBuilder() {}

  /** The monotonic time source for every timeout and deadline. */
  public FleetBuilder ticker(Ticker ticker) {
    this.ticker = once(this.ticker, ticker, "ticker");
    return this;
  }

  /** Wall-clock time, used only to show when things happened. */
  public FleetBuilder wallClock(InstantSource wallClock) {
    this.wallClock = once(this.wallClock, wallClock, "wallClock");
    return this;
  }

  /** Where listeners are called; {@code Runnable::run} delivers on the thread that caused the event. */
  public FleetBuilder eventExecutor(Executor executor) {
    this.eventExecutor = once(this.eventExecutor, executor, "eventExecutor");
    return this;
  }

  /** What runs the periodic heartbeat sweep. */
  public FleetBuilder scheduler(Scheduler scheduler) {
    this.scheduler = once(this.scheduler, scheduler, "scheduler");
    return this;
  }

  /** How a machine is chosen among those that fit. */
  public FleetBuilder placementStrategy(PlacementStrategy strategy) {
    this.strategy = once(this.strategy, strategy, "placementStrategy");
    return this;
  }

  /** Machines at or over this load take no new work; in (0, 10]. */
  public FleetBuilder loadCeiling(double ceiling) {
    this.loadCeiling = once(this.loadCeiling, range("loadCeiling", ceiling, 0, 10), "loadCeiling");
    return this;
  }

  /** The ceiling for urgent tasks, at least the normal one; in (0, 10]. */
  public FleetBuilder urgentLoadCeiling(double ceiling) {
    this.urgentLoadCeiling =
        once(this.urgentLoadCeiling, range("urgentLoadCeiling", ceiling, 0, 10), "urgentLoadCeiling");
    return this;
  }

  /** How much load a normal-weight task adds to its machine until a heartbeat reports it; in [0, 10]. */
  public FleetBuilder loadPerTask(double load) {
    if (!(load >= 0 && load <= 10)) {
      throw new IllegalArgumentException("loadPerTask must be in [0, 10], got " + load);
    }
    this.loadPerTask = once(this.loadPerTask, load, "loadPerTask");
    return this;
  }

  /** How often agents heartbeat. */
  public FleetBuilder heartbeatInterval(Duration interval) {
    this.heartbeatInterval = once(this.heartbeatInterval, positive("heartbeatInterval", interval), "heartbeatInterval");
    return this;
  }

  /** Silence after which a machine is suspect and takes no new work. */
  public FleetBuilder suspectAfter(Duration silence) {
    this.suspectAfter = once(this.suspectAfter, positive("suspectAfter", silence), "suspectAfter");
    return this;
  }

  /** Silence after which a machine is offline. */
  public FleetBuilder offlineAfter(Duration silence) {
    this.offlineAfter = once(this.offlineAfter, positive("offlineAfter", silence), "offlineAfter");
    return this;
  }

  /** Tasks that may wait at once; more are rejected. */
  public FleetBuilder maxQueuedTasks(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("maxQueuedTasks must be >= 0, got " + max);
    }
    this.maxQueuedTasks = once(this.maxQueuedTasks, max, "maxQueuedTasks");
    return this;
  }

  /** Finished tasks remembered for status queries and duplicate detection. */
  public FleetBuilder finishedTaskRetention(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("finishedTaskRetention must be >= 0, got " + count);
    }
    this.finishedTaskRetention = once(this.finishedTaskRetention, count, "finishedTaskRetention");
    return this;
  }

  /** How long an idempotency key maps to its first task. */
  public FleetBuilder idempotencyWindow(Duration window) {
    this.idempotencyWindow = once(this.idempotencyWindow, positive("idempotencyWindow", window), "idempotencyWindow");
    return this;
  }

  /** Adds a listener from the start, so no event is missed. May be called more than once. */
  public FleetBuilder listener(FleetListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Builds and starts the fleet.
   *
   * @throws IllegalStateException if called twice, or the timeouts or ceilings contradict each other
   */
  public Fleet build() {
    if (built) {
      throw new IllegalStateException("this builder already built a fleet; use a new builder");
    }
    double ceiling = loadCeiling == null ? 0.8 : loadCeiling;
    double urgent = urgentLoadCeiling == null ? Math.max(0.95, ceiling) : urgentLoadCeiling;
    if (urgent < ceiling) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "urgentLoadCeiling %.2f must be at least loadCeiling %.2f", urgent, ceiling));
    }
    Duration interval = heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval;
    Duration suspect = suspectAfter == null ? interval.multipliedBy(3) : suspectAfter;
    Duration offline = offlineAfter == null ? suspect.multipliedBy(2) : offlineAfter;
    if (suspect.compareTo(interval) <= 0) {
      throw new IllegalStateException("suspectAfter " + suspect + " must be longer than heartbeatInterval " + interval);
    }
    if (offline.compareTo(suspect) <= 0) {
      throw new IllegalStateException("offlineAfter " + offline + " must be longer than suspectAfter " + suspect);
    }
    List<AutoCloseable> owned = new ArrayList<>();
    Executor events = eventExecutor;
    if (events == null) {
      ExecutorService es = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fleet-events");
        t.setDaemon(true);
        return t;
      });
      owned.add(es::shutdown);
      events = es;
    }
    Scheduler sched = scheduler;
    if (sched == null) {
      DaemonScheduler d = new DaemonScheduler("fleet-sweep");
      owned.add(d);
      sched = d;
    }
    FleetConfig config = new FleetConfig(
        ticker == null ? Ticker.system() : ticker,
        wallClock == null ? InstantSource.system() : wallClock,
        events,
        sched,
        strategy == null ? LeastLoaded.INSTANCE : strategy,
        ceiling,
        urgent,
        loadPerTask == null ? 0.1 : loadPerTask,
        interval,
        suspect,
        offline,
        maxQueuedTasks == null ? 100_000 : maxQueuedTasks,
        finishedTaskRetention == null ? 100_000 : finishedTaskRetention,
        idempotencyWindow == null ? Duration.ofHours(24) : idempotencyWindow,
        owned);
    built = true;
    FleetCore fleet = new FleetCore(config);
    for (FleetListener l : listeners) {
      fleet.subscribe(l);
    }
    fleet.start();
    return fleet;
  }

  private static <T> T once(T current, T value, String name) {
    Objects.requireNonNull(value, name);
    if (current != null) {
      throw new IllegalStateException(name + " was already set to " + current + "; each setting may be given once");
    }
    return value;
  }

  private static double range(String name, double v, double lowExclusive, double highInclusive) {
    if (!(v > lowExclusive && v <= highInclusive)) {
      throw new IllegalArgumentException(name + " must be in (" + lowExclusive + ", " + highInclusive + "], got " + v);
    }
    return v;
  }

  private static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }
}
