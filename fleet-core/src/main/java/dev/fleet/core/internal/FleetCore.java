package dev.fleet.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fleet.Decision;
import dev.fleet.Dispatcher;
import dev.fleet.Explanation;
import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.FleetListener;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.HeartbeatMonitor;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Registry;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownMachineException;
import dev.fleet.UnknownTaskException;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.PlacementStrategy;
import dev.fleet.spi.Scheduler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fleet's state machine: registry, heartbeat monitor and dispatcher over one lock.
 *
 * <p>Every operation takes the lock, changes the indexes in O(log n) and leaves; events are
 * delivered after the lock is released. One lock keeps the invariants (a task in exactly one place,
 * load counted exactly once) easy to see; the hot path holds it for well under a microsecond.
 * Thread-safe.
 */
public final class FleetCore implements Fleet, Registry, Dispatcher, HeartbeatMonitor {
  private static final System.Logger LOG = System.getLogger(FleetCore.class.getName());

  private final FleetConfig config;
  private final PlacementStrategy strategy;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<MachineId, MachineSlot> machines = new LinkedHashMap<>();
  private final CapabilityIndex index = new CapabilityIndex(machines.values());
  private final HashMap<TaskId, TaskRecord> live = new HashMap<>();
  private final Cache<TaskId, TaskRecord> finished;
  private final Cache<String, TaskId> idempotencyKeys;
  private final PriorityQueue<TaskRecord> deadlines =
      new PriorityQueue<>(Comparator.comparingLong(FleetCore::deadlineNanos));
  private final CandidateView view = new CandidateView();
  private final TokenSource tokens = new TokenSource();
  private final FixedTimeoutDetector detector;
  private final Explainer explainer;
  private final EventBus events;
  private final boolean indexedStrategy;
  private long registrations;
  private long submissions;
  private int queued;
  /** Why the strategy failed in the last placement, or null; read right after {@link #choose}. */
  private String strategyFailure;
  /**
   * A wall-clock reading and the ticker reading taken with it, renewed by every sweep; heartbeat times are
   * shown through it (see {@link MachineSlot#snapshot}).
   */
  private long anchorWallMillis;
  private long anchorNanos;
  private Scheduler.Cancellable nextSweep;
  private volatile boolean closed;

  public FleetCore(FleetConfig config) {
    this.config = config;
    this.strategy = config.strategy();
    this.indexedStrategy = strategy instanceof LeastLoaded;
    this.detector = new FixedTimeoutDetector(config.suspectAfter(), config.offlineAfter());
    this.explainer = new Explainer(strategy);
    this.events = new EventBus(config.eventExecutor());
    // Cache upkeep (eviction) runs on the calling thread, under the fleet's lock, amortised O(1): the
    // default hands it to ForkJoinPool.commonPool(), a thread wake-up on almost every finished task.
    this.finished = Caffeine.newBuilder().executor(Runnable::run).maximumSize(config.finishedTaskRetention()).build();
    this.idempotencyKeys = Caffeine.newBuilder()
        .executor(Runnable::run)
        .maximumSize(Math.max(1, config.finishedTaskRetention()))
        .expireAfterWrite(config.idempotencyWindow())
        .ticker(config.ticker()::read)
        .build();
    anchorClocks(config.ticker().read());
  }

  /** Starts the periodic heartbeat sweep on the configured scheduler. */
  public void start() {
    scheduleSweep(config.heartbeatInterval());
  }

  private void scheduleSweep(Duration delay) {
    if (!closed) {
      nextSweep = config.scheduler().schedule(this::sweepNow, delay);
    }
  }

  private void sweepNow() {
    if (closed) {
      return;
    }
    long next;
    try {
      long now = config.ticker().read();
      next = sweep(now);
      long wait = Math.max(Math.min(next - now, config.heartbeatInterval().toNanos()), 1_000_000L);
      scheduleSweep(Duration.ofNanos(wait));
    } catch (RuntimeException e) {
      // The sweep must outlive any bug in it, or machines would never be declared offline again.
      LOG.log(Level.ERROR, "heartbeat sweep failed; retrying after one interval", e);
      scheduleSweep(config.heartbeatInterval());
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
    return events.subscribe(java.util.Objects.requireNonNull(listener, "listener"));
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
      if (nextSweep != null) {
        nextSweep.cancel();
      }
    } finally {
      lock.unlock();
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
    lock.lock();
  }

  private void exit() {
    lock.unlock();
    events.flush();
  }

  // ---------------------------------------------------------------- Registry

  @Override
  public MachineStatus register(Machine machine) {
    return register(machine, Health.ONLINE, 0.0);
  }

  @Override
  public MachineStatus register(Machine machine, Health health, double load) {
    java.util.Objects.requireNonNull(machine, "machine");
    java.util.Objects.requireNonNull(health, "health");
    if (health == Health.LEFT) {
      throw new IllegalArgumentException("cannot register " + machine.id() + " as left");
    }
    if (!(load >= 0) || Double.isInfinite(load)) {
      throw new IllegalArgumentException("load of " + machine.id() + " must be a finite number >= 0, got " + load);
    }
    enter();
    try {
      if (machines.containsKey(machine.id())) {
        throw new IllegalStateException("machine '" + machine.id() + "' is already registered; use update() to change it");
      }
      long now = config.ticker().read();
      MachineSlot slot = new MachineSlot(machine, ++registrations, health, load, now);
      slot.drainRequested = health == Health.DRAINING;
      machines.put(machine.id(), slot);
      index.add(slot);
      healthEvent(slot, Health.LEFT, health, "registered", now);
      retryQueue(slot);
      return snapshot(slot);
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus update(Machine machine) {
    java.util.Objects.requireNonNull(machine, "machine");
    enter();
    try {
      MachineSlot slot = slot(machine.id());
      boolean capabilitiesChanged = !slot.machine.capabilities().equals(machine.capabilities());
      if (capabilitiesChanged) {
        index.remove(slot);
        slot.machine = machine;
        index.add(slot);
      } else {
        slot.machine = machine;
      }
      retryQueue(slot);
      return snapshot(slot);
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus drain(MachineId id) {
    enter();
    try {
      MachineSlot slot = slot(id);
      slot.drainRequested = true;
      if (slot.health == Health.ONLINE || slot.health == Health.SUSPECT) {
        transition(slot, Health.DRAINING, "drain requested", config.ticker().read());
      }
      return snapshot(slot);
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus undrain(MachineId id) {
    enter();
    try {
      MachineSlot slot = slot(id);
      slot.drainRequested = false;
      if (slot.health == Health.DRAINING) {
        transition(slot, Health.ONLINE, "drain ended", config.ticker().read());
        retryQueue(slot);
      }
      return snapshot(slot);
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
      index.remove(slot);
      Health from = slot.health;
      slot.health = Health.LEFT;
      slot.key = Double.POSITIVE_INFINITY;
      healthEvent(slot, from, Health.LEFT, "deregistered", now);
      requeueWorkOf(slot, now, "machine " + id + " left the fleet");
      return true;
    } finally {
      exit();
    }
  }

  @Override
  public Optional<MachineStatus> get(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.get(id);
      return slot == null ? Optional.empty() : Optional.of(snapshot(slot));
    } finally {
      exit();
    }
  }

  @Override
  public List<MachineStatus> list() {
    enter();
    try {
      List<MachineStatus> out = new ArrayList<>(machines.size());
      for (MachineSlot s : machines.values()) {
        out.add(snapshot(s));
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

  private MachineStatus snapshot(MachineSlot slot) {
    return slot.snapshot(anchorWallMillis, anchorNanos);
  }

  /** Takes a wall-clock and a ticker reading together, to show ticker times as wall-clock times. */
  private void anchorClocks(long nowNanos) {
    anchorNanos = nowNanos;
    anchorWallMillis = config.wallClock().millis();
  }

  private MachineSlot slot(MachineId id) {
    MachineSlot slot = machines.get(java.util.Objects.requireNonNull(id, "machine id"));
    if (slot == null) {
      throw new UnknownMachineException(id);
    }
    return slot;
  }

  // ---------------------------------------------------------------- HeartbeatMonitor

  @Override
  public boolean heartbeat(Heartbeat hb) {
    java.util.Objects.requireNonNull(hb, "heartbeat");
    enter();
    try {
      MachineSlot slot = slot(hb.machine());
      // Sequence 0 starts a new agent run (a restart), so it is always taken.
      if (hb.sequence() <= slot.lastSequence && hb.sequence() != 0) {
        return false;
      }
      long now = config.ticker().read();
      slot.lastSequence = hb.sequence();
      slot.lastHeardNanos = now;
      slot.reportedLoad = hb.load();
      slot.signals = hb.signals();
      if (slot.hasStartedUnreported()) {
        // Work confirmed started before this heartbeat is now part of the load it reports.
        for (TaskRecord t : slot.startedUnreported()) {
          unreserve(slot, t);
        }
        slot.clearStartedUnreported();
      }
      Health h = slot.health;
      boolean cameBack = h == Health.SUSPECT || h == Health.OFFLINE || h == Health.ASLEEP;
      if (cameBack) {
        transition(slot, slot.drainRequested ? Health.DRAINING : Health.ONLINE, "heartbeat received", now);
      } else {
        double oldKey = slot.rekey();
        if (queued > 0 && (slot.key < oldKey || !indexedStrategy)) {
          retryQueue(slot);
        }
        return true;
      }
      retryQueue(slot);
      return true;
    } finally {
      exit();
    }
  }

  @Override
  public long sweep(long nowNanos) {
    enter();
    try {
      anchorClocks(nowNanos);
      long next = nowNanos + config.heartbeatInterval().toNanos();
      for (MachineSlot s : machines.values()) {
        Health h = s.health;
        if (h != Health.ONLINE && h != Health.SUSPECT && h != Health.DRAINING) {
          continue;
        }
        long silent = nowNanos - s.lastHeardNanos;
        Health verdict = detector.classify(silent);
        boolean change = h == Health.DRAINING ? verdict == Health.OFFLINE : verdict.ordinal() > h.ordinal();
        if (change) {
          transition(s, verdict, String.format(Locale.ROOT, "silent for %.1fs >= %.1fs", silent / 1e9,
              (verdict == Health.OFFLINE ? detector.offlineAfterNanos : detector.suspectAfterNanos) / 1e9), nowNanos);
        }
        if (s.health != Health.OFFLINE) {
          long at = s.health == Health.DRAINING
              ? s.lastHeardNanos + detector.offlineAfterNanos
              : detector.nextChange(s.lastHeardNanos, s.health);
          next = Math.min(next, at);
        }
      }
      next = Math.min(next, expireDeadlines(nowNanos));
      return next;
    } finally {
      exit();
    }
  }

  @Override
  public Health health(MachineId machine) {
    enter();
    try {
      return slot(machine).health;
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

  private void transition(MachineSlot slot, Health to, String reason, long now) {
    Health from = slot.health;
    if (from == to) {
      return;
    }
    slot.health = to;
    slot.rekey();
    healthEvent(slot, from, to, reason, now);
  }

  private void healthEvent(MachineSlot slot, Health from, Health to, String reason, long now) {
    if (events.active()) {
      events.post(new FleetEvent.HealthChanged(slot.id(), from, to, reason, now));
    }
  }

  // ---------------------------------------------------------------- Dispatcher

  @Override
  public Decision submit(Task task) {
    java.util.Objects.requireNonNull(task, "task");
    enter();
    try {
      TaskRecord existing = find(task.id());
      if (existing != null) {
        if (!existing.task.equals(task)) {
          throw new IllegalStateException("task '" + task.id() + "' was already submitted with different content");
        }
        return currentDecision(existing);
      }
      if (task.idempotencyKey().isPresent()) {
        TaskId first = idempotencyKeys.getIfPresent(task.idempotencyKey().get());
        TaskRecord firstRecord = first == null ? null : find(first);
        if (firstRecord != null) {
          return currentDecision(firstRecord);
        }
      }
      long now = config.ticker().read();
      LoadIndex where = index.forSet(task.requires());
      TaskRecord rec = new TaskRecord(task, ++submissions, now, where);
      task.idempotencyKey().ifPresent(k -> idempotencyKeys.put(k, task.id()));
      double ceiling = config.ceiling(task.priority());
      MachineSlot chosen = choose(task, where, ceiling);
      if (chosen != null) {
        live.put(task.id(), rec);
        return dispatch(rec, chosen, ceiling, now);
      }
      Explanation why = explainer.queued(task, where, ceiling, machines.values(), strategyFailure);
      if (queued >= config.maxQueuedTasks()) {
        rec.state = TaskState.REJECTED;
        rec.why = Explanation.of("rejected: the queue is full (" + queued + " tasks waiting, at most "
            + config.maxQueuedTasks() + "); " + why.summary());
        finished.put(task.id(), rec);
        taskEvent(rec, TaskState.QUEUED, rec.why.summary(), now);
        return new Decision.Rejected(task, rec.why);
      }
      live.put(task.id(), rec);
      enqueue(rec, why, now);
      taskEvent(rec, TaskState.QUEUED, "queued: " + why.summary(), now);
      return new Decision.Queued(task, why);
    } finally {
      exit();
    }
  }

  @Override
  public Decision plan(Task task) {
    java.util.Objects.requireNonNull(task, "task");
    enter();
    try {
      LoadIndex where = index.forSet(task.requires());
      double ceiling = config.ceiling(task.priority());
      MachineSlot chosen = choose(task, where, ceiling);
      if (chosen != null) {
        return new Decision.Dispatched(task, chosen.id(), 1, 0L, chosen.effectiveLoad(), ceiling, strategy.name());
      }
      Explanation why = explainer.queued(task, where, ceiling, machines.values(), strategyFailure);
      if (queued >= config.maxQueuedTasks()) {
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
      TaskRecord rec = current(id, token, "start");
      if (rec.state == TaskState.DISPATCHED) {
        TaskState from = rec.state;
        rec.state = TaskState.RUNNING;
        if (rec.reservation > 0) {
          rec.machine.addStartedUnreported(rec);
        }
        taskEvent(rec, from, "started on " + rec.machine.id(), config.ticker().read());
      }
      return rec.snapshot(why(rec));
    } finally {
      exit();
    }
  }

  @Override
  public TaskStatus complete(TaskId id, long token, TaskResult result) {
    java.util.Objects.requireNonNull(result, "result");
    enter();
    try {
      TaskRecord rec = current(id, token, "result");
      long now = config.ticker().read();
      MachineSlot slot = rec.machine;
      release(rec);
      TaskState from = rec.state;
      rec.state = result.succeeded() ? TaskState.SUCCEEDED : TaskState.FAILED;
      rec.result = result;
      rec.why = Explanation.of((result.succeeded() ? "succeeded on " : "failed on ") + slot.id()
          + ", attempt " + rec.attempt + (result.message().isEmpty() ? "" : ": " + result.message()));
      retire(rec);
      taskEvent(rec, from, rec.why.summary(), now);
      retryQueue(slot);
      return rec.snapshot(rec.why);
    } finally {
      exit();
    }
  }

  @Override
  public boolean cancel(TaskId id) {
    enter();
    try {
      TaskRecord rec = live.get(java.util.Objects.requireNonNull(id, "task id"));
      if (rec == null) {
        if (finished.getIfPresent(id) != null) {
          return false;
        }
        throw new UnknownTaskException(id);
      }
      cancel(rec, "cancelled by request", config.ticker().read());
      return true;
    } finally {
      exit();
    }
  }

  @Override
  public Optional<TaskStatus> status(TaskId id) {
    enter();
    try {
      TaskRecord rec = find(java.util.Objects.requireNonNull(id, "task id"));
      return rec == null ? Optional.empty() : Optional.of(rec.snapshot(why(rec)));
    } finally {
      exit();
    }
  }

  @Override
  public Explanation explain(TaskId id) {
    enter();
    try {
      TaskRecord rec = find(java.util.Objects.requireNonNull(id, "task id"));
      if (rec == null) {
        throw new UnknownTaskException(id);
      }
      return why(rec);
    } finally {
      exit();
    }
  }

  @Override
  public List<TaskStatus> queue() {
    enter();
    try {
      List<TaskRecord> waiting = new ArrayList<>(queued);
      for (TaskRecord r : live.values()) {
        if (r.state == TaskState.QUEUED) {
          waiting.add(r);
        }
      }
      waiting.sort((a, b) -> a.before(b) ? -1 : b.before(a) ? 1 : 0);
      List<TaskStatus> out = new ArrayList<>(waiting.size());
      for (TaskRecord r : waiting) {
        out.add(r.snapshot(why(r)));
      }
      return out;
    } finally {
      exit();
    }
  }

  // ---------------------------------------------------------------- placement

  /** Runs the strategy; null if nothing fits or the strategy failed (then {@link #strategyFailure} says why). */
  private MachineSlot choose(Task task, LoadIndex where, double ceiling) {
    strategyFailure = null;
    CandidateView v = view.aim(task, where, ceiling);
    Candidate c;
    try {
      c = strategy.select(task, v);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "placement strategy '" + strategy.name() + "' failed for task " + task.id(), e);
      strategyFailure = e.toString();
      return null;
    }
    if (c == null) {
      return null;
    }
    if (!v.eligible(c)) {
      strategyFailure = "it chose " + c.id() + ", which is not an eligible candidate";
      LOG.log(Level.WARNING, "placement strategy '" + strategy.name() + "' chose ineligible machine " + c.id()
          + " for task " + task.id() + "; the task waits");
      return null;
    }
    return (MachineSlot) c;
  }

  private Decision.Dispatched dispatch(TaskRecord rec, MachineSlot slot, double ceiling, long now) {
    double loadBefore = slot.effectiveLoad();
    TaskState from = rec.state;
    rec.attempt++;
    rec.token = tokens.next();
    rec.machine = slot;
    rec.state = TaskState.DISPATCHED;
    rec.why = null;
    rec.chosenLoad = loadBefore;
    rec.ceiling = ceiling;
    long r = Math.round(config.loadPerTask() * rec.task.weight().factor() * 1e6);
    rec.reservation = r;
    slot.reservedMicros += r;
    slot.reservations++;
    slot.activeTasks++;
    slot.rekey();
    Decision.Dispatched d = new Decision.Dispatched(rec.task, slot.machine.id(), rec.attempt, rec.token, loadBefore,
        ceiling, strategy.name());
    if (events.active()) {
      taskEvent(rec, from, d.why().summary(), now);
    }
    return d;
  }

  private void enqueue(TaskRecord rec, Explanation why, long now) {
    rec.state = TaskState.QUEUED;
    rec.why = why;
    if (rec.index.queue == null) {
      rec.index.queue = new TaskQueue();
    }
    rec.index.queue.add(rec);
    queued++;
    if (rec.task.deadline().isPresent()) {
      deadlines.add(rec);
    }
  }

  /**
   * Dispatches waiting work that a change to {@code slot} could let fit: highest priority first, then
   * oldest, across every capability set the machine belongs to.
   */
  private void retryQueue(MachineSlot slot) {
    if (queued == 0) {
      return;
    }
    List<LoadIndex> affected = new ArrayList<>();
    for (int i = 0; i < slot.membershipCount(); i++) {
      LoadIndex idx = slot.membership(i);
      if (idx.hasQueuedTasks()) {
        affected.add(idx);
      }
    }
    retry(affected);
  }

  /** Re-evaluates every waiting task; used when the rules of fit change for everyone. */
  void retryAll() {
    if (queued > 0) {
      retry(index.withQueuedTasks());
    }
  }

  private void retry(List<LoadIndex> affected) {
    if (affected.isEmpty()) {
      return;
    }
    int levels = TaskQueue.priorities();
    // A head that did not fit blocks its (set, priority): later tasks there have the same needs.
    boolean[] blocked = new boolean[affected.size() * levels];
    long now = config.ticker().read();
    while (true) {
      TaskRecord best = null;
      int bestAt = -1;
      for (int i = 0; i < affected.size(); i++) {
        TaskQueue q = affected.get(i).queue;
        if (q == null || q.isEmpty()) {
          continue;
        }
        for (int p = 0; p < levels; p++) {
          TaskRecord head = q.head(p);
          if (head != null && !blocked[i * levels + p] && (best == null || head.before(best))) {
            best = head;
            bestAt = i * levels + p;
          }
        }
      }
      if (best == null) {
        return;
      }
      double ceiling = config.ceiling(best.task.priority());
      MachineSlot chosen = choose(best.task, best.index, ceiling);
      if (chosen == null) {
        blocked[bestAt] = true;
        continue;
      }
      best.index.queue.removeHead(best.task.priority().ordinal());
      queued--;
      dispatch(best, chosen, ceiling, now);
    }
  }

  /** Puts the unfinished work of a machine that left back in the queue, under new attempts. */
  private void requeueWorkOf(MachineSlot slot, long now, String reason) {
    List<TaskRecord> moved = new ArrayList<>();
    for (TaskRecord r : live.values()) {
      if (r.machine == slot && (r.state == TaskState.DISPATCHED || r.state == TaskState.RUNNING)) {
        moved.add(r);
      }
    }
    moved.sort((a, b) -> Long.compare(a.sequence, b.sequence));
    for (TaskRecord r : moved) {
      release(r);
      TaskState from = r.state;
      r.token = 0;
      Explanation why = explainer.queued(r.task, r.index, config.ceiling(r.task.priority()), machines.values(), null);
      enqueue(r, why, now);
      taskEvent(r, from, reason + "; " + why.summary(), now);
    }
    if (!moved.isEmpty()) {
      retryAll();
    }
  }

  // ---------------------------------------------------------------- task bookkeeping

  private TaskRecord find(TaskId id) {
    TaskRecord rec = live.get(id);
    return rec != null ? rec : finished.getIfPresent(id);
  }

  private TaskRecord current(TaskId id, long token, String what) {
    java.util.Objects.requireNonNull(id, "task id");
    TaskRecord rec = live.get(id);
    if (rec == null) {
      TaskRecord done = finished.getIfPresent(id);
      if (done == null) {
        throw new UnknownTaskException(id);
      }
      throw new StaleAttemptException(what + " for task '" + id + "' refused: it is already "
          + done.state.name().toLowerCase(Locale.ROOT));
    }
    if (rec.state == TaskState.QUEUED || rec.token != token) {
      throw new StaleAttemptException(what + " for task '" + id + "' refused: token " + Long.toUnsignedString(token)
          + " is not its current attempt (attempt " + rec.attempt + ", " + rec.state.name().toLowerCase(Locale.ROOT)
          + ")");
    }
    return rec;
  }

  private void release(TaskRecord rec) {
    MachineSlot slot = rec.machine;
    if (rec.reservation > 0) {
      unreserve(slot, rec);
      slot.removeStartedUnreported(rec);
    }
    slot.activeTasks--;
    slot.rekey();
  }

  private static void unreserve(MachineSlot slot, TaskRecord rec) {
    slot.reservedMicros -= rec.reservation;
    rec.reservation = 0;
    slot.reservations--;
  }

  private void cancel(TaskRecord rec, String reason, long now) {
    TaskState from = rec.state;
    MachineSlot slot = null;
    if (from == TaskState.QUEUED) {
      rec.index.queue.remove(rec);
      queued--;
    } else {
      slot = rec.machine;
      release(rec);
    }
    rec.state = TaskState.CANCELLED;
    rec.why = Explanation.of(reason);
    retire(rec);
    taskEvent(rec, from, reason, now);
    if (slot != null) {
      retryQueue(slot);
    }
  }

  private void retire(TaskRecord rec) {
    live.remove(rec.task.id());
    finished.put(rec.task.id(), rec);
  }

  private static long deadlineNanos(TaskRecord r) {
    return r.submittedNanos + r.task.deadline().map(Duration::toNanos).orElse(Long.MAX_VALUE - r.submittedNanos);
  }

  /** Cancels waiting tasks whose deadline passed; returns when the next one falls due. */
  private long expireDeadlines(long now) {
    TaskRecord r;
    while ((r = deadlines.peek()) != null) {
      if (r.state != TaskState.QUEUED) {
        deadlines.poll();
        continue;
      }
      long due = deadlineNanos(r);
      if (due > now) {
        return due;
      }
      deadlines.poll();
      cancel(r, "deadline of " + r.task.deadline().orElseThrow() + " passed while it waited", now);
    }
    return Long.MAX_VALUE;
  }

  private Decision currentDecision(TaskRecord rec) {
    return switch (rec.state) {
      case DISPATCHED, RUNNING, SUCCEEDED, FAILED -> rec.machine == null
          ? new Decision.Rejected(rec.task, why(rec))
          : new Decision.Dispatched(rec.task, rec.machine.id(), rec.attempt, rec.token, rec.chosenLoad, rec.ceiling,
              strategy.name());
      case QUEUED -> new Decision.Queued(rec.task, why(rec));
      case CANCELLED, REJECTED -> new Decision.Rejected(rec.task, why(rec));
    };
  }

  private Explanation why(TaskRecord rec) {
    return switch (rec.state) {
      case QUEUED -> explainer.queued(rec.task, rec.index, config.ceiling(rec.task.priority()), machines.values(),
          null);
      case DISPATCHED, RUNNING -> new Decision.Dispatched(rec.task, rec.machine.id(), rec.attempt, 1L, rec.chosenLoad,
          rec.ceiling, strategy.name()).why();
      default -> rec.why;
    };
  }

  private void taskEvent(TaskRecord rec, TaskState from, String reason, long now) {
    if (events.active()) {
      events.post(new FleetEvent.TaskChanged(rec.task.id(), from, rec.state, rec.machineId(), rec.attempt, reason,
          now));
    }
  }
}
