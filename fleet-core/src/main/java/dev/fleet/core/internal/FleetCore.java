package dev.fleet.core.internal;

import dev.fleet.Decision;
import dev.fleet.Dispatcher;
import dev.fleet.Explanation;
import dev.fleet.Fleet;
import dev.fleet.FleetListener;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.HeartbeatMonitor;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Priority;
import dev.fleet.Registry;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownTaskException;
import dev.fleet.core.internal.facts.Recovered;
import dev.fleet.spi.DurablePart;
import dev.fleet.spi.Journal;
import dev.fleet.spi.PlacementStrategy;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fleet: registry, heartbeat monitor and dispatcher, as a façade over the rooms that hold its state.
 *
 * <p>Every entry point takes the one lock, has the rooms record what happened ({@link Machines},
 * {@link Liveness}, {@link OwnerReturn}, {@link Ledger}, each the only writer of its own state), and at its
 * end has the {@link Matchmaker} match the queue once, highest priority first across everything the operation
 * affected. Events are delivered after the lock is released. One lock keeps the invariants (a task in exactly
 * one place, load counted exactly once) easy to see; the hot path holds it for well under a microsecond.
 * Thread-safe.
 */
public final class FleetCore implements Fleet, Registry, Dispatcher, HeartbeatMonitor {
  private static final System.Logger LOG = System.getLogger(FleetCore.class.getName());

  private final FleetConfig config;
  private final PlacementStrategy strategy;
  private final ReentrantLock lock = new ReentrantLock();
  private final Placer placer;
  private final PlacementPolicies policies;
  private final Explainer explainer;
  private final EventBus events;
  private final boolean indexedStrategy;
  private final SweepPacer pacer;
  private final Openings openings = new Openings();
  private final Machines machines;
  private final Ledger ledger;
  private final Liveness liveness;
  private final Pruner pruner;
  private final OwnerReturn ownerReturn;
  private final Matchmaker matchmaker;
  private final Answers answers;
  private final TimeBridge time;
  private final FleetLog log;
  /** The journal room; null for a fleet that keeps nothing. */
  private final Durability durability;
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
    this.time = new TimeBridge(config.ticker(), config.wallClock());
    this.strategy = config.strategy();
    this.indexedStrategy = strategy instanceof LeastLoaded;
    this.policies = new PlacementPolicies(config.batteryStopBelow(), config.batteryResumeAt(), config.ownerAway());
    this.placer = new Placer(strategy, config.failbackAfter().toNanos(), policies);
    this.explainer = new Explainer(strategy, policies);
    this.events = new EventBus(config.eventExecutor());
    this.log = new FleetLog(events);
    this.durability = journal == null ? null
        : new Durability(journal, parts, snapshotEvery, time, config, events, lock);
    Changes changes = durability != null ? durability.changes() : given;
    this.pacer = new SweepPacer(config.scheduler());
    pacer.runs(this::sweepNow);
    this.machines = new Machines(placer, Objects.requireNonNull(changes, "changes"));
    this.ledger = new Ledger(config, machines, openings, pacer, explainer, events, changes, log);
    this.liveness = new Liveness(config, machines, ledger, openings, pacer, policies, events);
    this.pruner = new Pruner(config, machines, liveness);
    this.ownerReturn = new OwnerReturn(config, ledger, openings, pacer, policies, explainer);
    this.answers = new Answers(config, machines, explainer);
    this.matchmaker = new Matchmaker(config, machines, ledger, openings, placer, policies);
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
    Recovered recovered = durability.replay(config.finishedTaskRetention(),
        p -> p.attach(record -> appendPart(p.name(), record)));
    lock.lock();
    try {
      JournalReplay.install(recovered, machines, liveness, ledger, time, config.ticker().read());
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
      long now = config.ticker().read();
      pacer.noLaterThan(now + config.heartbeatInterval().toNanos(), now);
    } finally {
      lock.unlock();
    }
  }

  private void sweepNow() {
    if (closed) {
      return;
    }
    long now = config.ticker().read();
    long next;
    try {
      next = sweep(now);
    } catch (RuntimeException e) {
      // The sweep must outlive any bug in it, or machines would never be declared offline again.
      LOG.log(Level.ERROR, "heartbeat sweep failed; retrying after one interval", e);
      next = now + config.heartbeatInterval().toNanos();
    }
    lock.lock();
    try {
      pacer.running();
      long at = Math.min(next, now + config.heartbeatInterval().toNanos());
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
    return this;
  }

  @Override
  public Dispatcher dispatcher() {
    return this;
  }

  @Override
  public HeartbeatMonitor monitor() {
    return this;
  }

  @Override
  public AutoCloseable subscribe(FleetListener listener) {
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

  private void enter() {
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
  private void exit() {
    exit(-1);
  }

  /**
   * Leaves an operation that need not wait for other operations' records if it appended none of its own
   * (the journal was at {@code before} when it began; -1 to always wait): a heartbeat answers nothing that
   * depends on them, and should not queue behind their disk sync.
   */
  private void exit(long before) {
    long position = 0;
    try {
      matchmaker.match();
    } finally {
      if (durability != null) {
        position = durability.position();
      }
      lock.unlock();
    }
    if (durability != null && position != before) {
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
  public void backup(java.io.OutputStream out) throws java.io.IOException {
    Objects.requireNonNull(out, "out");
    List<byte[]> records;
    enter();
    try {
      records = image();
    } finally {
      exit();
    }
    dev.fleet.core.FileJournal.writeBackup(out, records);
  }

  // ---------------------------------------------------------------- Registry

  @Override
  public MachineStatus register(Machine machine) {
    return register(machine, Health.ONLINE, 0.0);
  }

  @Override
  public MachineStatus register(Machine machine, Health health, double load) {
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(health, "health");
    if (health == Health.LEFT || health == Health.UNKNOWN) {
      throw new IllegalArgumentException("cannot register " + machine.id() + " as " + health.word());
    }
    if (!(load >= 0) || Double.isInfinite(load)) {
      throw new IllegalArgumentException("load of " + machine.id() + " must be a finite number >= 0, got " + load);
    }
    Refusals.labels(machine);
    enter();
    try {
      long now = config.ticker().read();
      machines.requireAbsent(machine.id());
      MachineSlot slot = machines.add(machine, health, load, now, liveness.newMonitor(now));
      liveness.joined(slot, health, now);
      openings.roomOn(slot);
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus update(Machine machine) {
    Objects.requireNonNull(machine, "machine");
    Refusals.labels(machine);
    enter();
    try {
      MachineSlot slot = machines.slot(machine.id());
      machines.update(slot, machine);
      log.reregistered(machine);
      // A new role or backup can change where waiting work of any capability set belongs.
      openings.everywhere();
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus drain(MachineId id) {
    return drain(id, null, false);
  }

  @Override
  public MachineStatus drain(MachineId id, Duration deadline) {
    return drain(id, Objects.requireNonNull(deadline, "deadline"), false);
  }

  @Override
  public MachineStatus drainForShutdown(MachineId id, Duration deadline) {
    return drain(id, Objects.requireNonNull(deadline, "deadline"), true);
  }

  private MachineStatus drain(MachineId id, Duration deadline, boolean forShutdown) {
    if (deadline != null && deadline.isNegative()) {
      throw new IllegalArgumentException("drain deadline must not be negative, got " + deadline);
    }
    enter();
    try {
      MachineSlot slot = machines.slot(id);
      liveness.drain(slot, deadline, forShutdown, config.ticker().read());
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus undrain(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.slot(id);
      liveness.undrain(slot, config.ticker().read());
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public boolean deregister(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.remove(id);
      if (slot == null) {
        return false;
      }
      long now = config.ticker().read();
      liveness.left(slot, now);
      liveness.moveWorkOf(slot, id + " left the fleet", now);
      machines.removed(slot);
      matchmaker.match();
      return true;
    } finally {
      exit();
    }
  }

  @Override
  public Optional<MachineStatus> get(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.find(id);
      return slot == null ? Optional.empty() : Optional.of(slot.snapshot());
    } finally {
      exit();
    }
  }

  @Override
  public List<MachineStatus> list() {
    enter();
    try {
      List<MachineStatus> out = new ArrayList<>(machines.size());
      for (MachineSlot s : machines.all()) {
        out.add(s.snapshot());
      }
      return out;
    } finally {
      exit();
    }
  }

  @Override
  public int size() {
    enter();
    try {
      return machines.size();
    } finally {
      exit();
    }
  }

  // ---------------------------------------------------------------- HeartbeatMonitor

  @Override
  public boolean heartbeat(Heartbeat hb) {
    Objects.requireNonNull(hb, "heartbeat");
    enter();
    long before = durability == null ? 0 : durability.position();
    try {
      MachineSlot slot = machines.slot(hb.machine());
      if (!Liveness.isNews(slot, hb)) {
        return false;
      }
      long now = config.ticker().read();
      // A new run of an agent that was heard from before knows nothing of the attempts of its last run: they
      // are lost and must move, or they would stay "running" on a machine that never finishes them.
      boolean restarted = hb.sequence() == 0 && slot.lastSequence >= 0;
      boolean signalsChanged = liveness.heard(slot, hb, now);
      if (slot.hasStartedUnreported()) {
        // Work confirmed started before this heartbeat is now part of the load it reports.
        ledger.loadReported(slot);
      }
      if (restarted && !slot.tasks.isEmpty()) { // not even the reason is built for an idle machine
        liveness.moveWorkOf(slot, slot.id() + " restarted and lost its work", now);
      }
      boolean cameBack = liveness.cameBack(slot, now);
      // After the clearing above, so work resumed here stays counted until the next heartbeat reports it.
      if (signalsChanged || ledger.anyPaused()) {
        ownerReturn.follow(slot, now);
      }
      if (cameBack) {
        openings.roomOn(slot);
      } else {
        double oldKey = slot.rekey();
        if (ledger.queued() > 0 && (slot.key < oldKey || !indexedStrategy || signalsChanged)) {
          openings.roomOn(slot);
        }
      }
      matchmaker.match();
      return true;
    } finally {
      exit(before);
    }
  }

  @Override
  public long sweep(long nowNanos) {
    enter();
    try {
      liveness.anchorClocks(nowNanos);
      List<MachineSlot> all = new ArrayList<>(machines.all());
      long next = Math.min(liveness.sweep(all, nowNanos), pruner.sweep(all, nowNanos));
      boolean movedBackground = false;
      for (MachineSlot s : all) {
        // Quiet hours end by the clock, not by a heartbeat: background work there pauses or moves now.
        if ((s.health == Health.ONLINE || s.health == Health.DRAINING) && !s.tasks.isEmpty()
            && s.machine.labels().containsKey(PlacementPolicies.LABEL_QUIET_HOURS)) {
          movedBackground |= ownerReturn.follow(s, nowNanos);
        }
      }
      if (movedBackground) {
        openings.everywhere();
      }
      if (ledger.anyPaused()) {
        next = Math.min(next, ownerReturn.resumeOrMovePaused(nowNanos));
      }
      next = Math.min(next, ledger.releaseDelayed(nowNanos));
      next = Math.min(next, ledger.expireDeadlines(nowNanos));
      matchmaker.match();
      return next;
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus announceSleep(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.slot(id);
      liveness.announceSleep(slot, config.ticker().read());
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus announceLeave(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.slot(id);
      liveness.announceLeave(slot, config.ticker().read());
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public double suspicion(MachineId id) {
    enter();
    try {
      return liveness.suspicion(machines.slot(id), config.ticker().read());
    } finally {
      exit();
    }
  }

  @Override
  public Health health(MachineId machine) {
    enter();
    try {
      return machines.slot(machine).health;
    } finally {
      exit();
    }
  }

  @Override
  public Duration interval() {
    return config.heartbeatInterval();
  }

  @Override
  public Duration suspectAfter() {
    return config.suspectAfter();
  }

  @Override
  public Duration offlineAfter() {
    return config.offlineAfter();
  }

  @Override
  public Optional<Duration> pruneNeverHeardAfter() {
    return Optional.of(config.pruneNeverHeardAfter()).filter(d -> !d.isZero());
  }

  @Override
  public Optional<Duration> pruneOfflineAfter() {
    return Optional.of(config.pruneOfflineAfter()).filter(d -> !d.isZero());
  }

  // ---------------------------------------------------------------- Dispatcher

  @Override
  public Decision submit(Task task) {
    Objects.requireNonNull(task, "task");
    enter();
    try {
      return submitLocked(task);
    } finally {
      exit();
    }
  }

  @Override
  public List<Decision> submitAll(List<Task> tasks) {
    List<Task> all = List.copyOf(tasks);
    List<Decision> out = new ArrayList<>(all.size());
    enter();
    try {
      // The whole batch or none of it, as far as payload memory goes.
      config.payloads().admitAll(all, ledger.payloadBytesHeld(),
          t -> ledger.find(t.id()) == null && ledger.firstWithKey(t) == null);
      for (Task task : all) {
        out.add(submitLocked(task));
        matchmaker.match(); // each submission is a whole operation, as if submitted alone
      }
      return out;
    } finally {
      exit();
    }
  }

  private Decision submitLocked(Task task) {
    TaskRecord existing = ledger.find(task.id());
    if (existing != null) {
      if (!existing.task.equals(task)) {
        throw new IllegalStateException("task '" + task.id() + "' was already submitted with different content");
      }
      return answers.decision(existing);
    }
    TaskRecord first = ledger.firstWithKey(task);
    if (first != null) {
      return answers.decision(first);
    }
    config.payloads().admit(task, ledger.payloadBytesHeld()); // before anything, even its key, is taken
    long now = config.ticker().read();
    LoadIndex where = machines.forSet(task.requires());
    TaskRecord rec = ledger.newRecord(task, now, where);
    double ceiling = config.ceiling(task.priority());
    if (matchmaker.queuedAhead(where, rec, now)) {
      // Earlier waiting work that ranks ahead gets first pick; then this task, if anything is left. This is
      // the operation's match: it runs before the new task's own placement, not after.
      ledger.queueToTry(rec);
      matchmaker.match();
      if (rec.state == TaskState.DISPATCHED) {
        return (Decision.Dispatched) answers.decision(rec);
      }
      ledger.withdrawTry(rec);
    }
    MachineSlot chosen = placer.choose(task, where, ceiling, null, now, config.wallClock());
    if (chosen != null) {
      return ledger.assign(rec, chosen, ceiling, placer.note, now);
    }
    if (placer.failure == null && config.preemptionGap() > 0 && task.priority() == Priority.URGENT) {
      Decision.Dispatched d = matchmaker.preemptFor(rec, where, ceiling, now);
      if (d != null) {
        matchmaker.match(); // the evicted work may fit elsewhere
        return d;
      }
    }
    Explanation why = explainer.queued(task, where, ceiling, machines.all(), placer.failure, wallMillis());
    if (ledger.waiting() >= config.maxQueuedTasks()) {
      return ledger.reject(rec, Explanation.of("rejected: the queue is full (" + ledger.waiting()
          + " tasks waiting, at most " + config.maxQueuedTasks() + "); " + why.summary()), now);
    }
    return ledger.queue(rec, why, now);
  }

  @Override
  public Decision plan(Task task) {
    Objects.requireNonNull(task, "task");
    enter();
    try {
      config.payloads().admit(task, ledger.payloadBytesHeld());
      LoadIndex where = machines.forSet(task.requires());
      double ceiling = config.ceiling(task.priority());
      MachineSlot chosen = placer.choose(task, where, ceiling, null, config.ticker().read(), config.wallClock());
      if (chosen != null) {
        return new Decision.Dispatched(task, chosen.id(), 1, 0L, chosen.placementLoad(), ceiling, strategy.name(),
            placer.note);
      }
      Explanation why = explainer.queued(task, where, ceiling, machines.all(), placer.failure, wallMillis());
      if (ledger.waiting() >= config.maxQueuedTasks()) {
        return new Decision.Rejected(task, Explanation.of("rejected: the queue is full; " + why.summary()));
      }
      return new Decision.Queued(task, why);
    } finally {
      exit();
    }
  }

  @Override
  public TaskStatus started(TaskId id, long token) {
    enter();
    try {
      TaskRecord rec = ledger.current(id, token, "start");
      ledger.started(rec, config.ticker().read());
      return rec.snapshot(answers.why(rec));
    } finally {
      exit();
    }
  }

  @Override
  public TaskStatus complete(TaskId id, long token, TaskResult result) {
    Objects.requireNonNull(result, "result");
    enter();
    try {
      TaskRecord rec = ledger.current(id, token, "result");
      ledger.complete(rec, result, config.ticker().read());
      matchmaker.match();
      return rec.snapshot(rec.why);
    } finally {
      exit();
    }
  }

  @Override
  public boolean cancel(TaskId id) {
    enter();
    try {
      TaskRecord rec = ledger.live(Objects.requireNonNull(id, "task id"));
      if (rec == null) {
        if (ledger.finished(id) != null) {
          return false;
        }
        throw new UnknownTaskException(id);
      }
      ledger.cancel(rec, "cancelled by request", config.ticker().read());
      matchmaker.match();
      return true;
    } finally {
      exit();
    }
  }

  @Override
  public Decision.Dispatched reroute(TaskId id, MachineId machineId) {
    enter();
    try {
      TaskRecord rec = Refusals.movable(ledger, Objects.requireNonNull(id, "task id"));
      MachineSlot target = machines.slot(Objects.requireNonNull(machineId, "machine id"));
      Refusals.canTake(target, rec);
      if (rec.machine == target && rec.state != TaskState.QUEUED) {
        return (Decision.Dispatched) answers.decision(rec);
      }
      Refusals.hasFreeSlot(target, rec);
      Decision.Dispatched d = ledger.reroute(rec, target, config.ticker().read());
      matchmaker.match();
      return d;
    } finally {
      exit();
    }
  }

  @Override
  public Optional<TaskStatus> status(TaskId id) {
    enter();
    try {
      TaskRecord rec = ledger.find(Objects.requireNonNull(id, "task id"));
      return rec == null ? Optional.empty() : Optional.of(rec.snapshot(answers.why(rec)));
    } finally {
      exit();
    }
  }

  @Override
  public Explanation explain(TaskId id) {
    enter();
    try {
      TaskRecord rec = ledger.find(Objects.requireNonNull(id, "task id"));
      if (rec == null) {
        throw new UnknownTaskException(id);
      }
      return answers.why(rec);
    } finally {
      exit();
    }
  }

  @Override
  public List<TaskStatus> queue() {
    enter();
    try {
      return answers.queue(ledger, config.ticker().read());
    } finally {
      exit();
    }
  }

  @Override
  public List<TaskStatus> tasks() {
    enter();
    try {
      return answers.tasks(ledger);
    } finally {
      exit();
    }
  }

  private long wallMillis() {
    return config.wallClock().millis();
  }

}
