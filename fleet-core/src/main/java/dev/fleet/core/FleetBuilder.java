package dev.fleet.core;

import dev.fleet.Fleet;
import dev.fleet.FleetListener;
import dev.fleet.core.internal.DaemonScheduler;
import dev.fleet.core.internal.FleetConfig;
import dev.fleet.core.internal.FleetCore;
import dev.fleet.core.internal.LeastLoaded;
import dev.fleet.core.internal.PayloadBudget;
import dev.fleet.spi.FailureDetector;
import dev.fleet.spi.PlacementStrategy;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Configures and builds a {@link Fleet}. Each setting may be given once; every one has a default.
 *
 * <p>Defaults: the system ticker and clock, load ceiling 0.80 (urgent 0.95), 0.10 load per dispatched
 * task until reported, heartbeats every 5 s, suspect after 15 s and offline after 30 s of silence, the
 * fixed-timeout failure detector, work of a role failing back 1 min after its machine recovers, a laptop's
 * silence taken for sleep after 2 min of owner idleness, the least-loaded strategy, a queue of at most
 * 100,000 tasks, the last 100,000 finished tasks kept for
 * status queries, idempotency keys remembered for 24 h, payloads of up to {@link dev.fleet.Payload#MAX_BYTES}
 * (16 MiB) per task and 256 MiB in all for unfinished tasks, events delivered on one daemon thread, sweeps
 * on another, and no machine ever removed but by {@link dev.fleet.Registry#deregister} (pruning is off).
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
  private Integer maxPayloadBytes;
  private Long maxPayloadBytesHeld;
  private Duration idempotencyWindow;
  private FailureDetector detector;
  private String detectorName;
  private Duration failbackAfter;
  private dev.fleet.spi.Transport transport;
  private int[] batteryThresholds;
  private Duration ownerAway;
  private Duration agingStep;
  private Integer preemptionGap;
  private Duration sleepHint;
  private final List<FleetListener> listeners = new ArrayList<>();
  private dev.fleet.spi.Journal journal;
  private final List<dev.fleet.spi.DurablePart> durableParts = new ArrayList<>();
  private Long snapshotEvery;
  private Duration pruneNeverHeardAfter;
  private Duration pruneOfflineAfter;
  private boolean built;

  FleetBuilder() {}

  /**
   * The monotonic time source for every timeout, deadline, wait and delay. Default: {@link Ticker#system()}.
   * Tests pass a fake ticker; a fake ticker alone never runs the heartbeat sweep, so pair it with a
   * {@link #scheduler} that the test advances.
   *
   * @param ticker the time source; not null
   * @return this builder
   * @throws NullPointerException if {@code ticker} is null
   * @throws IllegalStateException if a ticker was already set
   */
  public FleetBuilder ticker(Ticker ticker) {
    this.ticker = once(this.ticker, ticker, "ticker");
    return this;
  }

  /**
   * Calendar time, for the few rules that depend on the time of day and for the times the fleet records.
   * It decides placement: a machine's quiet hours (labels {@code quiet-hours} and {@code timezone}) are read
   * on it, so it chooses where background work may run, whether an urgent task may preempt it, and when it
   * pauses or moves because its owner is back. The journal stores its times, so deadlines and delays carry
   * across a restart, and it dates what the fleet shows (when a machine was last heard, fell asleep or left).
   * Timeouts and deadlines are measured on the {@link #ticker}, never on this. Default:
   * {@link InstantSource#system()}.
   *
   * @param wallClock the calendar clock; not null
   * @return this builder
   * @throws NullPointerException if {@code wallClock} is null
   * @throws IllegalStateException if a wall clock was already set
   */
  public FleetBuilder wallClock(InstantSource wallClock) {
    this.wallClock = once(this.wallClock, wallClock, "wallClock");
    return this;
  }

  /**
   * Where listeners and the transport are called, one event at a time and in order. Default: one daemon
   * thread the fleet owns and stops on close.
   *
   * @param executor runs event deliveries; {@code Runnable::run} delivers on the thread that caused the event
   *     (after the fleet's lock is released); not null, and not shut down by the fleet
   * @return this builder
   * @throws NullPointerException if {@code executor} is null
   * @throws IllegalStateException if an executor was already set
   */
  public FleetBuilder eventExecutor(Executor executor) {
    this.eventExecutor = once(this.eventExecutor, executor, "eventExecutor");
    return this;
  }

  /**
   * What runs the fleet's timed work: the heartbeat sweep, capacity sampling and journal snapshots. Default:
   * one daemon thread the fleet owns and stops on close.
   *
   * @param scheduler the scheduler; not null, and not closed by the fleet
   * @return this builder
   * @throws NullPointerException if {@code scheduler} is null
   * @throws IllegalStateException if a scheduler was already set
   */
  public FleetBuilder scheduler(Scheduler scheduler) {
    this.scheduler = once(this.scheduler, scheduler, "scheduler");
    return this;
  }

  /**
   * How a machine is chosen among those that fit; see {@link Strategies}. Default: least-loaded.
   *
   * @param strategy the strategy; not null
   * @return this builder
   * @throws NullPointerException if {@code strategy} is null
   * @throws IllegalStateException if a strategy was already set
   */
  public FleetBuilder placementStrategy(PlacementStrategy strategy) {
    this.strategy = once(this.strategy, strategy, "placementStrategy");
    return this;
  }

  /**
   * Chooses the placement strategy by name: {@code least-loaded}, {@code bin-pack}, {@code spread},
   * {@code power-of-two}, {@code role-first}, or the name of a {@link PlacementStrategy} found through
   * {@link java.util.ServiceLoader}.
   *
   * @param name the strategy's {@link PlacementStrategy#name()}
   * @return this builder
   * @throws IllegalArgumentException if none has that name; the message lists the names available
   * @throws IllegalStateException if a strategy was already set
   */
  public FleetBuilder placementStrategy(String name) {
    return placementStrategy(Strategies.byName(name));
  }

  /**
   * The load at or over which a machine takes no new work (urgent tasks have their own ceiling). Default 0.80.
   *
   * @param ceiling the ceiling, in (0, 10]; load 1 is one fully busy machine
   * @return this builder
   * @throws IllegalArgumentException if {@code ceiling} is out of range
   * @throws IllegalStateException if the ceiling was already set
   */
  public FleetBuilder loadCeiling(double ceiling) {
    this.loadCeiling = once(this.loadCeiling, range("loadCeiling", ceiling, 0, 10), "loadCeiling");
    return this;
  }

  /**
   * The load ceiling for urgent tasks, so they still find room on machines normal work considers full. Default
   * 0.95, or the normal ceiling if that is higher.
   *
   * @param ceiling the ceiling, in (0, 10]; {@link #build()} refuses one below {@link #loadCeiling}
   * @return this builder
   * @throws IllegalArgumentException if {@code ceiling} is out of range
   * @throws IllegalStateException if the urgent ceiling was already set
   */
  public FleetBuilder urgentLoadCeiling(double ceiling) {
    this.urgentLoadCeiling =
        once(this.urgentLoadCeiling, range("urgentLoadCeiling", ceiling, 0, 10), "urgentLoadCeiling");
    return this;
  }

  /**
   * How much load a normal-weight task adds to its machine until a heartbeat reports it (light tasks half,
   * heavy twice), so a burst spreads instead of landing on the machine that looked idle. Default 0.10.
   *
   * @param load the load per task, in [0, 10]
   * @return this builder
   * @throws IllegalArgumentException if {@code load} is out of range
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder loadPerTask(double load) {
    if (!(load >= 0 && load <= 10)) {
      throw new IllegalArgumentException("loadPerTask must be in [0, 10], got " + load);
    }
    this.loadPerTask = once(this.loadPerTask, load, "loadPerTask");
    return this;
  }

  /**
   * How often agents are expected to heartbeat; the silence timeouts default to multiples of it. Default 5 s.
   *
   * @param interval the interval; positive
   * @return this builder
   * @throws IllegalArgumentException if {@code interval} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder heartbeatInterval(Duration interval) {
    this.heartbeatInterval = once(this.heartbeatInterval, positive("heartbeatInterval", interval), "heartbeatInterval");
    return this;
  }

  /**
   * Silence after which a machine is suspect and takes no new work (fixed-timeout detector). Default three
   * heartbeat intervals.
   *
   * @param silence the silence; positive, and {@link #build()} refuses one not longer than the heartbeat interval
   * @return this builder
   * @throws IllegalArgumentException if {@code silence} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder suspectAfter(Duration silence) {
    this.suspectAfter = once(this.suspectAfter, positive("suspectAfter", silence), "suspectAfter");
    return this;
  }

  /**
   * Silence after which a machine is offline and its work moves (fixed-timeout detector). Default twice
   * {@link #suspectAfter}.
   *
   * @param silence the silence; positive, and {@link #build()} refuses one not longer than suspectAfter
   * @return this builder
   * @throws IllegalArgumentException if {@code silence} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder offlineAfter(Duration silence) {
    this.offlineAfter = once(this.offlineAfter, positive("offlineAfter", silence), "offlineAfter");
    return this;
  }

  /**
   * How many tasks may wait at once; a submission beyond it is rejected with the reason. Default 100,000.
   *
   * @param max the most waiting tasks; 0 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code max} is negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder maxQueuedTasks(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("maxQueuedTasks must be >= 0, got " + max);
    }
    this.maxQueuedTasks = once(this.maxQueuedTasks, max, "maxQueuedTasks");
    return this;
  }

  /**
   * How many finished tasks are remembered for status queries and duplicate detection; beyond it the longest
   * finished is forgotten first. Default 100,000.
   *
   * @param count the number kept; 0 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code count} is negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder finishedTaskRetention(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("finishedTaskRetention must be >= 0, got " + count);
    }
    this.finishedTaskRetention = once(this.finishedTaskRetention, count, "finishedTaskRetention");
    return this;
  }

  /**
   * The largest payload one task may carry, in bytes, at most {@link dev.fleet.Payload#MAX_BYTES} (the default); a
   * larger one is refused with a {@link dev.fleet.PayloadLimitException} and nothing is submitted.
   *
   * @param bytes the limit, in [0, {@link dev.fleet.Payload#MAX_BYTES}]
   * @return this builder
   * @throws IllegalArgumentException if {@code bytes} is out of range
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder maxPayloadBytes(int bytes) {
    if (bytes < 0 || bytes > dev.fleet.Payload.MAX_BYTES) {
      throw new IllegalArgumentException("maxPayloadBytes must be in [0, " + dev.fleet.Payload.MAX_BYTES + "], got "
          + bytes);
    }
    this.maxPayloadBytes = once(this.maxPayloadBytes, bytes, "maxPayloadBytes");
    return this;
  }

  /**
   * The payload bytes the fleet holds at once for tasks not yet finished (waiting, placed or running), 256 MiB
   * unless told otherwise: the queue's memory budget. A submission that would go over it is refused with a
   * {@link dev.fleet.PayloadLimitException} and nothing is submitted; a task's bytes are freed when it ends. The
   * finished tasks kept for status queries are held to the same number of bytes (payloads and result outputs),
   * besides {@link #finishedTaskRetention}: beyond it the longest finished is forgotten first.
   *
   * @param bytes the budget in bytes; 0 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code bytes} is negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder maxPayloadBytesHeld(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("maxPayloadBytesHeld must be >= 0, got " + bytes);
    }
    this.maxPayloadBytesHeld = once(this.maxPayloadBytesHeld, bytes, "maxPayloadBytesHeld");
    return this;
  }

  /**
   * How long an idempotency key maps to its first task, so a retried submission gets that task's answer.
   * Default 24 h.
   *
   * @param window the time a key is remembered; positive
   * @return this builder
   * @throws IllegalArgumentException if {@code window} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder idempotencyWindow(Duration window) {
    this.idempotencyWindow = once(this.idempotencyWindow, positive("idempotencyWindow", window), "idempotencyWindow");
    return this;
  }

  /**
   * Decides from heartbeat arrivals when a machine is suspect or offline; see {@link Detectors}. Default: the
   * fixed-timeout detector with {@link #suspectAfter} and {@link #offlineAfter}.
   *
   * @param detector the detector; not null
   * @return this builder
   * @throws NullPointerException if {@code detector} is null
   * @throws IllegalStateException if a detector was already set, by value or by name
   */
  public FleetBuilder failureDetector(FailureDetector detector) {
    if (detectorName != null) {
      throw new IllegalStateException("failureDetector was already set to '" + detectorName + "'");
    }
    this.detector = once(this.detector, detector, "failureDetector");
    return this;
  }

  /**
   * Chooses the failure detector by name: {@code fixed-timeout} (using {@link #suspectAfter} and
   * {@link #offlineAfter}), {@code phi-accrual} (acceptable pause 3 s), or the name of a
   * {@link FailureDetector} found through {@link ServiceLoader}.
   *
   * @param name the detector's {@link FailureDetector#name()}
   * @return this builder
   * @throws IllegalArgumentException at {@link #build()} if no detector has that name; the message lists
   *     the names available
   * @throws IllegalStateException if a detector was already set, by value or by name
   */
  public FleetBuilder failureDetector(String name) {
    if (detector != null) {
      throw new IllegalStateException("failureDetector was already set to " + detector.name());
    }
    this.detectorName = once(this.detectorName, name, "failureDetector");
    return this;
  }

  /**
   * Makes the fleet durable: every change to its registry and task ledger is appended to {@code journal} and
   * on disk before the call that made it returns, and {@link #build()} replays what the journal holds. The
   * fleet opens the journal and closes it when it is closed. Without a journal the fleet keeps everything in
   * memory only.
   *
   * @param journal the journal, e.g. a {@link FileJournal}; not null
   * @return this builder
   * @throws NullPointerException if {@code journal} is null
   * @throws IllegalStateException if a journal was already set
   */
  public FleetBuilder journal(dev.fleet.spi.Journal journal) {
    this.journal = once(this.journal, journal, "journal");
    return this;
  }

  /**
   * Adds a plugin's state to the fleet's journal (a {@link dev.fleet.spi.Transport} that is a
   * {@link dev.fleet.spi.DurablePart} is added without this). Needs {@link #journal}. May be called more than
   * once.
   *
   * @param part the plugin state to journal and replay; not null
   * @return this builder
   * @throws NullPointerException if {@code part} is null
   */
  public FleetBuilder durablePart(dev.fleet.spi.DurablePart part) {
    durableParts.add(Objects.requireNonNull(part, "durablePart"));
    return this;
  }

  /**
   * How many journal records may go by before the fleet snapshots its state and drops the records the
   * snapshot replaces (default 100,000), so a restart replays live state rather than history. Needs
   * {@link #journal}.
   *
   * @param records records between snapshots; 0 never snapshots
   * @return this builder
   * @throws IllegalArgumentException if {@code records} is negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder snapshotEvery(long records) {
    if (records < 0) {
      throw new IllegalArgumentException("snapshotEvery must be >= 0 records, got " + records);
    }
    this.snapshotEvery = once(this.snapshotEvery, records, "snapshotEvery");
    return this;
  }

  /**
   * Where each attempt is delivered, e.g. an {@link InProcessTransport} or the HTTP coordinator. Without
   * one, the embedder hands work to machines itself from the {@link dev.fleet.Decision}s and events.
   *
   * @param transport the transport; not null
   * @return this builder
   * @throws NullPointerException if {@code transport} is null
   * @throws IllegalStateException if a transport was already set
   */
  public FleetBuilder transport(dev.fleet.spi.Transport transport) {
    this.transport = once(this.transport, transport, "transport");
    return this;
  }

  /**
   * How long a recovered machine must stay online before work of its role returns to it from a backup, so a
   * flapping machine does not pull work back and forth. Default 1 min.
   *
   * @param wait the time back online; zero or more (zero: at once)
   * @return this builder
   * @throws NullPointerException if {@code wait} is null
   * @throws IllegalArgumentException if {@code wait} is negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder failbackAfter(Duration wait) {
    Objects.requireNonNull(wait, "failbackAfter");
    if (wait.isNegative()) {
      throw new IllegalArgumentException("failbackAfter must not be negative, got " + wait);
    }
    this.failbackAfter = once(this.failbackAfter, wait, "failbackAfter");
    return this;
  }

  /**
   * Owner idle time after which a laptop ({@code form=laptop}) that falls silent is taken to be asleep rather
   * than failed, so its work is not moved at once (a laptop silent on battery is taken to be asleep whatever
   * its idle time). Default 2 min.
   *
   * @param ownerIdle the owner's idle time; positive
   * @return this builder
   * @throws IllegalArgumentException if {@code ownerIdle} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder sleepHint(Duration ownerIdle) {
    this.sleepHint = once(this.sleepHint, positive("sleepHint", ownerIdle), "sleepHint");
    return this;
  }

  /**
   * The power policy: heavy work stops on a machine that runs on battery or whose charge is below
   * {@code stopBelowPercent}, and resumes only on mains power at or above {@code resumeAtPercent}; the gap
   * keeps a machine from flapping at the threshold. Defaults 20 and 40.
   *
   * @param stopBelowPercent the charge, in percent, below which heavy work stops; 0 or more
   * @param resumeAtPercent the charge, in percent, from which heavy work resumes on mains power; at least
   *     {@code stopBelowPercent}, at most 100
   * @return this builder
   * @throws IllegalArgumentException if the thresholds are out of range or out of order
   * @throws IllegalStateException if they were already set
   */
  public FleetBuilder batteryThresholds(int stopBelowPercent, int resumeAtPercent) {
    if (stopBelowPercent < 0 || resumeAtPercent > 100 || resumeAtPercent < stopBelowPercent) {
      throw new IllegalArgumentException("need 0 <= stopBelowPercent <= resumeAtPercent <= 100, got "
          + stopBelowPercent + " and " + resumeAtPercent);
    }
    this.batteryThresholds = once(this.batteryThresholds, new int[] {stopBelowPercent, resumeAtPercent},
        "batteryThresholds");
    return this;
  }

  /**
   * Background work runs only on machines whose owner has been idle this long (machines that report no
   * owner activity count as idle) or that are in their quiet hours (label {@code quiet-hours=22:00-07:00},
   * time zone from label {@code timezone}, read on the {@link #wallClock}). Default 10 min.
   *
   * @param idle the owner's idle time; positive
   * @return this builder
   * @throws IllegalArgumentException if {@code idle} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder backgroundWhenOwnerAwayFor(Duration idle) {
    this.ownerAway = once(this.ownerAway, positive("backgroundWhenOwnerAwayFor", idle), "backgroundWhenOwnerAwayFor");
    return this;
  }

  /**
   * Each time a queued task has waited this long it moves up one priority level, so low work never starves.
   * Default 5 min.
   *
   * @param step the wait per level; positive
   * @return this builder
   * @throws IllegalArgumentException if {@code step} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder agingStep(Duration step) {
    this.agingStep = once(this.agingStep, positive("agingStep", step), "agingStep");
    return this;
  }

  /**
   * Turns preemption on: an urgent task that fits nowhere may send work at least {@code minPriorityGap}
   * levels lower (3: low and background work) back to the queue to make room. Off by default.
   *
   * @param minPriorityGap the fewest priority levels between the urgent task and the work it displaces, in
   *     [1, 4]
   * @return this builder
   * @throws IllegalArgumentException if {@code minPriorityGap} is out of range
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder preemption(int minPriorityGap) {
    if (minPriorityGap < 1 || minPriorityGap > 4) {
      throw new IllegalArgumentException("preemption minPriorityGap must be in [1, 4], got " + minPriorityGap);
    }
    this.preemptionGap = once(this.preemptionGap, minPriorityGap, "preemption");
    return this;
  }

  /**
   * Removes a machine that registered and sent no heartbeat within {@code wait}, as its registration was then
   * likely never meant to run anything (a join flood, an agent that died at once): the sweep deregisters it with
   * the reason {@code "pruned: ..."} on its {@link dev.fleet.FleetEvent.HealthChanged} to LEFT, and its work moves
   * as for any removal. Machines brought back by the journal after a restart are judged by
   * {@link #pruneOfflineAfter} only. Off by default.
   *
   * @param wait the time from registration; positive, and {@link #build()} refuses one shorter than
   *     {@link #offlineAfter}
   * @return this builder
   * @throws IllegalArgumentException if {@code wait} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder pruneNeverHeardAfter(Duration wait) {
    this.pruneNeverHeardAfter = once(this.pruneNeverHeardAfter, positive("pruneNeverHeardAfter", wait),
        "pruneNeverHeardAfter");
    return this;
  }

  /**
   * Removes a machine that is offline or asleep and has been silent for {@code silence}, counted from its last
   * heartbeat (for a machine brought back by the journal, from the restart): the sweep deregisters it with the
   * reason {@code "pruned: ..."}, and its work moves as for any removal. Its agent joins afresh when it is back.
   * Off by default.
   *
   * @param silence the silence; positive, and {@link #build()} refuses one shorter than {@link #offlineAfter}
   * @return this builder
   * @throws IllegalArgumentException if {@code silence} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public FleetBuilder pruneOfflineAfter(Duration silence) {
    this.pruneOfflineAfter = once(this.pruneOfflineAfter, positive("pruneOfflineAfter", silence),
        "pruneOfflineAfter");
    return this;
  }

  /**
   * Adds a listener from the start, so no event is missed. May be called more than once.
   *
   * @param listener the listener, called on the {@link #eventExecutor}; not null
   * @return this builder
   * @throws NullPointerException if {@code listener} is null
   */
  public FleetBuilder listener(FleetListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Builds and starts the fleet: replays the journal, if any, then books the first heartbeat sweep.
   *
   * @return the running fleet; close it to stop its threads and close its journal
   * @throws IllegalStateException if called twice, or the timeouts or ceilings contradict each other, or a
   *     durable part or snapshot interval is set without a journal
   * @throws IllegalArgumentException if no failure detector has the name given
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
    notBeforeOffline("pruneNeverHeardAfter", pruneNeverHeardAfter, offline);
    notBeforeOffline("pruneOfflineAfter", pruneOfflineAfter, offline);
    FailureDetector chosenDetector = detector != null ? detector : detectorByName(
        detectorName == null ? "fixed-timeout" : detectorName, suspect, offline);
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
        new FleetConfig.Clocks(
            ticker == null ? Ticker.system() : ticker,
            wallClock == null ? InstantSource.system() : wallClock,
            events,
            sched),
        new FleetConfig.Heartbeats(interval, suspect, offline, chosenDetector,
            sleepHint == null ? Duration.ofMinutes(2) : sleepHint),
        new FleetConfig.Pruning(
            pruneNeverHeardAfter == null ? Duration.ZERO : pruneNeverHeardAfter,
            pruneOfflineAfter == null ? Duration.ZERO : pruneOfflineAfter),
        new FleetConfig.Placement(
            strategy == null ? LeastLoaded.INSTANCE : strategy,
            ceiling,
            urgent,
            loadPerTask == null ? 0.1 : loadPerTask,
            agingStep == null ? Duration.ofMinutes(5) : agingStep,
            preemptionGap == null ? 0 : preemptionGap,
            failbackAfter == null ? Duration.ofMinutes(1) : failbackAfter),
        new FleetConfig.Owners(
            batteryThresholds == null ? 20 : batteryThresholds[0],
            batteryThresholds == null ? 40 : batteryThresholds[1],
            ownerAway == null ? Duration.ofMinutes(10) : ownerAway),
        new FleetConfig.Limits(
            maxQueuedTasks == null ? 100_000 : maxQueuedTasks,
            finishedTaskRetention == null ? 100_000 : finishedTaskRetention,
            idempotencyWindow == null ? Duration.ofHours(24) : idempotencyWindow,
            new PayloadBudget(
                maxPayloadBytes == null ? PayloadBudget.DEFAULT.maxPayloadBytes() : maxPayloadBytes,
                maxPayloadBytesHeld == null ? PayloadBudget.DEFAULT.maxHeldBytes() : maxPayloadBytesHeld)),
        transport,
        owned);
    if (journal == null && (!durableParts.isEmpty() || snapshotEvery != null)) {
      throw new IllegalStateException("durablePart and snapshotEvery need a journal; set journal(...) first");
    }
    built = true;
    FleetCore fleet;
    if (journal != null) {
      List<dev.fleet.spi.DurablePart> parts = new ArrayList<>(durableParts);
      if (transport instanceof dev.fleet.spi.DurablePart p && !parts.contains(p)) {
        parts.add(p);
      }
      fleet = new FleetCore(config, journal, parts, snapshotEvery == null ? 100_000 : snapshotEvery);
    } else {
      fleet = new FleetCore(config);
    }
    for (FleetListener l : listeners) {
      fleet.subscribe(l);
    }
    try {
      fleet.recover();
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
    fleet.start();
    return fleet;
  }

  private static FailureDetector detectorByName(String name, Duration suspect, Duration offline) {
    TreeMap<String, FailureDetector> available = new TreeMap<>();
    available.put("fixed-timeout", Detectors.fixedTimeout(suspect, offline));
    available.put("phi-accrual", Detectors.phiAccrual(Duration.ofSeconds(3)));
    for (FailureDetector d : ServiceLoader.load(FailureDetector.class)) {
      available.putIfAbsent(d.name(), d);
    }
    FailureDetector d = available.get(name);
    if (d == null) {
      throw new IllegalArgumentException("no failure detector is named '" + name + "'; available: "
          + String.join(", ", available.keySet()));
    }
    return d;
  }

  private static <T> T once(T current, T value, String name) {
    Objects.requireNonNull(value, name);
    if (current != null) {
      String shown = current instanceof int[] a ? java.util.Arrays.toString(a) : String.valueOf(current);
      throw new IllegalStateException(name + " was already set to " + shown + "; each setting may be given once");
    }
    return value;
  }

  private static void notBeforeOffline(String name, Duration prune, Duration offline) {
    if (prune != null && prune.compareTo(offline) < 0) {
      throw new IllegalStateException(name + " " + prune + " must be at least offlineAfter " + offline
          + ": a machine is not removed before it would be offline");
    }
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
