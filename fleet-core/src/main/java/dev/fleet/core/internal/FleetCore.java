package dev.fleet.core.internal;

import dev.fleet.Dispatcher;
import dev.fleet.Fleet;
import dev.fleet.FleetListener;
import dev.fleet.Health;
import dev.fleet.HeartbeatMonitor;
import dev.fleet.Registry;
import dev.fleet.Subscription;
import dev.fleet.core.internal.facts.Recovered;
import dev.fleet.spi.DurablePart;
import dev.fleet.spi.Journal;
import dev.fleet.spi.PlacementStrategy;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fleet: the rooms that hold its state, the one lock, the journal and the lifecycle, behind its three
 * faces ({@link FleetRegistry}, {@link FleetMonitor}, {@link FleetDispatcher}).
 *
 * <p>Every entry point takes the one lock, has the rooms record what happened ({@link Machines},
 * {@link Liveness}, {@link OwnerReturn}, {@link Ledger}, each the only writer of its own state), and at its
 * end has the {@link Matchmaker} match the queue once, highest priority first across everything the operation
 * affected. Events are delivered after the lock is released. One lock keeps the invariants (a task in exactly
 * one place, load counted exactly once) easy to see; the hot path holds it for well under a microsecond.
 * Thread-safe.
 */
public final class FleetCore implements Fleet {
  private static final System.Logger LOG = System.getLogger(FleetCore.class.getName());

  final FleetConfig config;
  final PlacementStrategy strategy;
  final ReentrantLock lock = new ReentrantLock();
  final Placer placer;
  final PlacementPolicies policies;
  final Explainer explainer;
  final EventBus events;
  final boolean indexedStrategy;
  final SweepPacer pacer;
  final Openings openings = new Openings();
  final Machines machines;
  final Ledger ledger;
  final Liveness liveness;
  final Pruner pruner;
  final OwnerReturn ownerReturn;
  final Matchmaker matchmaker;
  final Answers answers;
  final TimeBridge time;
  final FleetLog log;
  /** The journal room; null for a fleet that keeps nothing. */
  final Durability durability;
  private final FleetRegistry registry;
  private final FleetMonitor monitor;
  private final FleetDispatcher dispatcher;
  /** Samples machines and the queue into the capacity history, off the dispatch path. */
  final CapacitySampler capacity;
  private volatile boolean closed;

  public FleetCore(FleetConfig config) {
    this(config, Changes.NONE, null, List.of(), 0);
  }

  /**
   * A fleet that journals every durable change, replays the journal on {@link #recover()}, and snapshots it
   * every {@code snapshotEvery} records; each durable part's records travel with the fleet's.
   */
  public FleetCore(FleetConfig config, Journal journal, List<DurablePart> parts, long snapshotEvery) {
    this(config, null, Objects.requireNonNull(journal, "journal"), parts, snapshotEvery);
  }

  /** A fleet whose durable changes go to {@code changes}: the journal's hook. */
  FleetCore(FleetConfig config, Changes changes) {
    this(config, changes, null, List.of(), 0);
  }

  private FleetCore(FleetConfig config, Changes given, Journal journal, List<DurablePart> parts,
      long snapshotEvery) {
    this.config = config;
    this.time = new TimeBridge(config.clocks().ticker(), config.clocks().wallClock());
    this.strategy = config.placement().strategy();
    this.indexedStrategy = strategy instanceof LeastLoaded;
    FleetConfig.Owners owners = config.owners();
    this.policies = new PlacementPolicies(owners.batteryStopBelow(), owners.batteryResumeAt(), owners.ownerAway());
    this.placer = new Placer(strategy, config.placement().failbackAfter().toNanos(), policies);
    this.explainer = new Explainer(strategy, policies);
    this.events = new EventBus(config.clocks().eventExecutor());
    this.log = new FleetLog(events);
    this.durability = journal == null ? null
        : new Durability(journal, parts, snapshotEvery, time, config, events, lock);
    Changes changes = durability != null ? durability.changes() : given;
    this.pacer = new SweepPacer(config.clocks().scheduler());
    pacer.runs(this::sweepNow);
    this.machines = new Machines(placer, Objects.requireNonNull(changes, "changes"));
    this.ledger = new Ledger(config, machines, openings, pacer, explainer, events, changes, log);
    this.liveness = new Liveness(config, machines, ledger, openings, pacer, policies, events);
    this.pruner = new Pruner(config, machines, liveness);
    this.ownerReturn = new OwnerReturn(config, ledger, openings, pacer, policies, explainer);
    this.answers = new Answers(config, machines, explainer);
    this.matchmaker = new Matchmaker(config, machines, ledger, openings, placer, policies);
    this.registry = new FleetRegistry(this);
    this.monitor = new FleetMonitor(this);
    this.dispatcher = new FleetDispatcher(this);
    this.capacity = new CapacitySampler(this, new dev.fleet.core.internal.capacity.History());
    ledger.finished.onRetired(capacity::retired); // not a listener: an embedded fleet builds no events for it
  }

  /**
   * Replays the journal, if the fleet has one: every durable part gets its records, then machines and tasks
   * are put back where the journal says, machines not yet heard from ({@link Health#UNKNOWN}), and every
   * attempt in flight is handed to the transport again so its machine can be told. Called once, after the
   * listeners are subscribed and before {@link #start()}.
   */
  public void recover() {
    if (durability == null) {
      return;
    }
    durability.imageFrom(this::image);
    Recovered recovered = durability.replay(config.limits().finishedTaskRetention(),
        p -> p.attach(record -> appendPart(p.name(), record)));
    lock.lock();
    try {
      JournalReplay.install(recovered, machines, liveness, ledger, time, config.clocks().ticker().read());
      JournalReplay.redeliver(ledger, config.transport(), events);
      openings.everywhere();
    } finally {
      exit();
    }
    if (recovered.applied() > 0) {
      LOG.log(Level.INFO, () -> "replayed " + recovered.applied() + " journal records: " + machines.size()
          + " machines, " + recovered.live.size() + " unfinished tasks");
    }
  }

  /** Appends a durable part's record in the fleet's order and returns once it is on disk. */
  private void appendPart(String name, byte[] record) {
    enter();
    try {
      durability.appendPart(name, record);
    } finally {
      exit();
    }
  }

  /** Starts the periodic heartbeat sweep on the configured scheduler. */
  public void start() {
    lock.lock();
    try {
      long now = config.clocks().ticker().read();
      pacer.noLaterThan(now + config.heartbeats().interval().toNanos(), now);
    } finally {
      lock.unlock();
    }
    capacity.start();
  }

  private void sweepNow() {
    if (closed) {
      return;
    }
    long now = config.clocks().ticker().read();
    long next;
    try {
      next = monitor.sweep(now);
    } catch (RuntimeException e) {
      // The sweep must outlive any bug in it, or machines would never be declared offline again.
      LOG.log(Level.ERROR, "heartbeat sweep failed; retrying after one interval", e);
      next = now + config.heartbeats().interval().toNanos();
    }
    lock.lock();
    try {
      pacer.running();
      long at = Math.min(next, now + config.heartbeats().interval().toNanos());
      // Exactly when the next thing is due (a drain deadline 0.3 ms away must not slip by a millisecond); the
      // floor only guards against a sweep that claims something is due now, which would spin.
      pacer.noLaterThan(at > now ? at : now + 1_000_000L, now);
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- Fleet

  @Override
  public Registry registry() {
    return registry;
  }

  @Override
  public Dispatcher dispatcher() {
    return dispatcher;
  }

  @Override
  public HeartbeatMonitor monitor() {
    return monitor;
  }

  @Override
  public Subscription subscribe(FleetListener listener) {
    ensureOpen();
    return events.subscribe(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public String describeRules() {
    return RulesPage.render(config);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    capacity.close();
    lock.lock();
    try {
      pacer.close();
    } finally {
      lock.unlock();
    }
    if (durability != null) {
      durability.close();
    }
    for (AutoCloseable c : config.onClose()) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing " + c + " failed", e);
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("fleet is closed");
    }
  }

  void enter() {
    ensureOpen();
    if (durability != null) {
      durability.checkTakingChanges();
    }
    lock.lock();
  }

  /**
   * Leaves an operation: whatever it recorded that the matcher has not seen (an exception cut it short) is
   * matched now, so no task is left waiting for a change that already happened. With a journal, the
   * operation returns only once what it changed is on disk, and nothing it posted is delivered before that.
   */
  void exit() {
    exit(-1);
  }

  /**
   * Leaves an operation that need not wait for other operations' records if it appended none of its own
   * (the journal was at {@code before} when it began; -1 to always wait): a heartbeat answers nothing that
   * depends on them, and should not queue behind their disk sync.
   */
  void exit(long before) {
    long position = 0;
    try {
      matchmaker.match();
    } finally {
      if (durability != null) {
        position = durability.position();
      }
      lock.unlock();
    }
    // An append the journal refused leaves the position where it was, yet the operation changed state (a heartbeat
    // may have dispatched): it must fail, and what it posted must not be delivered.
    if (durability != null && (position != before || durability.appendFailed())) {
      durability.durableOrLater(position);
    }
    events.flush();
  }

  @Override
  public <T> T batch(java.util.function.Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    if (durability == null) {
      return work.get();
    }
    T result = durability.batch(work);
    events.flush();
    return result;
  }

  /** The records that recreate the fleet's durable state; called under the lock. */
  private List<byte[]> image() {
    return FleetImage.records(machines.all(), ledger.finishedInOrder(), ledger.liveInOrder(),
        durability == null ? List.of() : durability.parts(), time);
  }

  @Override
  public java.util.Optional<dev.fleet.FleetStats> stats() {
    return java.util.Optional.of(new StatsView(this));
  }

  @Override
  public void backup(java.io.OutputStream out) throws java.io.IOException {
    Objects.requireNonNull(out, "out");
    List<byte[]> records;
    enter();
    try {
      records = image();
    } finally {
      exit();
    }
    dev.fleet.core.internal.journal.Backups.write(out, records);
  }

  @Override
  public dev.fleet.CapacityReport capacity(java.time.Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("capacity window must be positive, got " + window);
    }
    ensureOpen();
    return capacity.report(window);
  }

  @Override
  public dev.fleet.CapacityWhatIf capacityWhatIf(java.time.Duration window, List<dev.fleet.Machine> add,
      List<dev.fleet.MachineId> remove) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("capacity window must be positive, got " + window);
    }
    List<dev.fleet.Machine> adding = List.copyOf(Objects.requireNonNull(add, "add"));
    List<dev.fleet.MachineId> removing = List.copyOf(Objects.requireNonNull(remove, "remove"));
    ensureOpen();
    return capacity.whatIf(window, adding, removing);
  }
}
