package dev.fleet.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fleet.Assignment;
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
import dev.fleet.ReschedulePolicy;
import dev.fleet.spi.FailureDetector;
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
  private final FinishedTasks finished;
  private final Cache<String, TaskId> idempotencyKeys;
  private final PriorityQueue<TaskRecord> deadlines =
      new PriorityQueue<>(Comparator.comparingLong(FleetCore::deadlineNanos));
  /** Tasks waiting out a reschedule delay before they may be placed again. */
  private final PriorityQueue<TaskRecord> delayed =
      new PriorityQueue<>(Comparator.comparingLong((TaskRecord r) -> r.notBeforeNanos));
  /** Background tasks paused on their machines while the owner is active; the sweep resumes or moves them. */
  private final java.util.LinkedHashSet<TaskRecord> paused = new java.util.LinkedHashSet<>();
  private final TokenSource tokens = new TokenSource();
  private final FailureDetector detector;
  /** The detector when it is the built-in fixed timeout, which slots then run without a monitor; else null. */
  private final FixedTimeoutDetector fixedTimeout;
  private final dev.fleet.spi.Transport transport;
  private final Placer placer;
  private final PlacementPolicies policies;
  private final Explainer explainer;
  private final EventBus events;
  private final boolean indexedStrategy;
  private long registrations;
  private long submissions;
  private int queued;
  /**
   * A wall-clock reading and the ticker reading taken with it, renewed by every sweep; heartbeat times are
   * shown through it (see {@link MachineSlot#snapshot}).
   */
  private long anchorWallMillis;
  private long anchorNanos;
  private Scheduler.Cancellable nextSweep;
  private long sweepAtNanos = Long.MAX_VALUE;
  private volatile boolean closed;

  public FleetCore(FleetConfig config) {
    this.config = config;
    this.strategy = config.strategy();
    this.indexedStrategy = strategy instanceof LeastLoaded;
    this.detector = config.detector();
    this.fixedTimeout = detector instanceof FixedTimeoutDetector f ? f : null;
    this.transport = config.transport();
    this.policies = new PlacementPolicies(config.batteryStopBelow(), config.batteryResumeAt(), config.ownerAway());
    this.placer = new Placer(strategy, config.failbackAfter().toNanos(), policies);
    this.explainer = new Explainer(strategy, policies);
    this.events = new EventBus(config.eventExecutor());
    this.finished = new FinishedTasks(config.finishedTaskRetention());
    // Cache upkeep (expiry, eviction) runs on the calling thread, under the fleet's lock, amortised O(1): the
    // default hands it to ForkJoinPool.commonPool(), a thread wake-up on almost every keyed submission.
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
    lock.lock();
    try {
      scheduleSweepAt(config.ticker().read() + config.heartbeatInterval().toNanos(), config.ticker().read());
    } finally {
      lock.unlock();
    }
  }

  /** Makes sure a sweep runs no later than {@code at}; called under the lock. */
  private void scheduleSweepAt(long at, long now) {
    if (closed || (nextSweep != null && at >= sweepAtNanos)) {
      return;
    }
    if (nextSweep != null) {
      nextSweep.cancel();
    }
    sweepAtNanos = at;
    nextSweep = config.scheduler().schedule(this::sweepNow, Duration.ofNanos(Math.max(0, at - now)));
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
      nextSweep = null;
      sweepAtNanos = Long.MAX_VALUE;
      long at = Math.min(next, now + config.heartbeatInterval().toNanos());
      // Exactly when the next thing is due (a drain deadline 0.3 ms away must not slip by a millisecond); the
      // floor only guards against a sweep that claims something is due now, which would spin.
      scheduleSweepAt(at > now ? at : now + 1_000_000L, now);
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
    if (health == Health.LEFT || health == Health.UNKNOWN) {
      throw new IllegalArgumentException("cannot register " + machine.id() + " as " + health.word());
    }
    if (!(load >= 0) || Double.isInfinite(load)) {
      throw new IllegalArgumentException("load of " + machine.id() + " must be a finite number >= 0, got " + load);
    }
    validateLabels(machine);
    enter();
    try {
      if (machines.containsKey(machine.id())) {
        throw new IllegalStateException("machine '" + machine.id() + "' is already registered; use update() to change it");
      }
      long now = config.ticker().read();
      MachineSlot slot = new MachineSlot(machine, ++registrations, health, load, now);
      slot.heard(now, anchorWallMillis, anchorNanos);
      slot.drainRequested = health == Health.DRAINING;
      // The built-in fixed timeout needs nothing but when the machine was last heard, which the slot keeps:
      // no monitor object, one cache miss less on every heartbeat of a large fleet.
      slot.monitor = fixedTimeout != null ? null : detector.newMonitor(now, config.heartbeatInterval());
      machines.put(machine.id(), slot);
      index.add(slot);
      placer.joined(slot);
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
    validateLabels(machine);
    enter();
    try {
      MachineSlot slot = slot(machine.id());
      boolean capabilitiesChanged = !slot.machine.capabilities().equals(machine.capabilities());
      placer.left(slot);
      if (capabilitiesChanged) {
        index.remove(slot);
        slot.machine = machine;
        index.add(slot);
      } else {
        slot.machine = machine;
      }
      placer.joined(slot);
      // A new role or backup can change where waiting work of any capability set belongs.
      retryAll();
      return snapshot(slot);
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
    return drain(id, java.util.Objects.requireNonNull(deadline, "deadline"), false);
  }

  @Override
  public MachineStatus drainForShutdown(MachineId id, Duration deadline) {
    return drain(id, java.util.Objects.requireNonNull(deadline, "deadline"), true);
  }

  private MachineStatus drain(MachineId id, Duration deadline, boolean forShutdown) {
    if (deadline != null && deadline.isNegative()) {
      throw new IllegalArgumentException("drain deadline must not be negative, got " + deadline);
    }
    enter();
    try {
      MachineSlot slot = slot(id);
      long now = config.ticker().read();
      slot.drainRequested = true;
      slot.drainForShutdown = forShutdown;
      slot.drainDeadlineNanos = deadline == null ? Long.MAX_VALUE : saturatedAdd(now, nanos(deadline));
      if (slot.health == Health.ONLINE || slot.health == Health.SUSPECT) {
        transition(slot, Health.DRAINING, (forShutdown ? "drain for shutdown" : "drain") + " requested"
            + (deadline == null ? "" : ", deadline " + RulesPage.time(deadline)), now);
      }
      if (slot.drainDeadlineNanos <= now) {
        moveWorkOf(slot, "drain deadline of " + slot.id() + " passed", now);
      }
      scheduleSweepAt(slot.drainDeadlineNanos, now);
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
      slot.drainForShutdown = false;
      slot.drainDeadlineNanos = Long.MAX_VALUE;
      if (slot.health == Health.DRAINING) {
        long now = config.ticker().read();
        // A machine that went quiet while draining comes back as suspect, not as a fresh online one.
        Health to = verdict(slot, now) == Health.ONLINE ? Health.ONLINE : Health.SUSPECT;
        transition(slot, to, to == Health.ONLINE ? "drain ended" : "drain ended; " + silence(slot, now), now);
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
      index.forget(slot);
      placer.left(slot);
      Health from = slot.health;
      slot.health = Health.LEFT;
      slot.key = Double.POSITIVE_INFINITY;
      healthEvent(slot, from, Health.LEFT, "deregistered", now);
      moveWorkOf(slot, id + " left the fleet", now);
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

  /** Labels Fleet reads must parse before anything is stored, so a typo is an error and not a silent rule. */
  private static void validateLabels(Machine m) {
    String q = m.labels().get(PlacementPolicies.LABEL_QUIET_HOURS);
    if (q != null) {
      PlacementPolicies.parseWindow(q);
    }
    PlacementPolicies.zone(m.labels().get(PlacementPolicies.LABEL_TIME_ZONE));
  }

  private MachineStatus snapshot(MachineSlot slot) {
    return slot.snapshot();
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
      // A new run of an agent that was heard from before knows nothing of the attempts of its last run: they
      // are lost and must move, or they would stay "running" on a machine that never finishes them.
      boolean restarted = hb.sequence() == 0 && slot.lastSequence >= 0;
      try {
        if (slot.monitor != null) {
          slot.monitor.heartbeat(now);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "failure detector '" + detector.name() + "' failed on a heartbeat of " + slot.id(), e);
      }
      slot.lastSequence = hb.sequence();
      slot.heard(now, anchorWallMillis, anchorNanos);
      slot.report(hb.load());
      boolean signalsChanged = !slot.signals.equals(hb.signals());
      slot.signals = hb.signals();
      if (signalsChanged) {
        policies.updatePower(slot);
      }
      if (slot.hasStartedUnreported()) {
        // Work confirmed started before this heartbeat is now part of the load it reports.
        for (TaskRecord t : slot.startedUnreported()) {
          unreserve(slot, t);
        }
        slot.clearStartedUnreported();
      }
      if (restarted && !slot.tasks.isEmpty()) {
        moveWorkOf(slot, slot.id() + " restarted and lost its work", now);
      }
      Health h = slot.health;
      boolean cameBack = h == Health.SUSPECT || h == Health.OFFLINE || h == Health.ASLEEP;
      if (cameBack) {
        if (h != Health.SUSPECT) {
          slot.onlineSinceNanos = now; // a recovery: role-bound work fails back only after failbackAfter
          if (slot.drainForShutdown) {
            slot.drainRequested = false;
            slot.drainForShutdown = false;
            slot.drainDeadlineNanos = Long.MAX_VALUE;
          }
        }
        transition(slot, slot.drainRequested ? Health.DRAINING : Health.ONLINE,
            h == Health.ASLEEP ? "woke up" : "heartbeat received", now);
      }
      // After the clearing above, so work resumed here stays counted until the next heartbeat reports it.
      if (signalsChanged || !paused.isEmpty()) {
        backgroundWorkFollowsOwner(slot, now);
      }
      if (!cameBack) {
        double oldKey = slot.rekey();
        if (queued > 0 && (slot.key < oldKey || !indexedStrategy || signalsChanged)) {
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
      List<MachineSlot> all = new ArrayList<>(machines.values());
      // Every verdict first, then the moves: work moved off the first machine found down must not land on
      // one later in the fleet that is just as silent but not yet marked.
      List<MachineSlot> wentOffline = null;
      boolean movedBackground = false;
      for (MachineSlot s : all) {
        Health h = s.health;
        if (h == Health.ONLINE || h == Health.SUSPECT || h == Health.DRAINING) {
          Health verdict = verdict(s, nowNanos);
          if (verdict == Health.OFFLINE) {
            if (goesDown(s, nowNanos)) {
              if (wentOffline == null) {
                wentOffline = new ArrayList<>();
              }
              wentOffline.add(s);
            }
          } else if (verdict == Health.SUSPECT && h == Health.ONLINE) {
            transition(s, Health.SUSPECT, silence(s, nowNanos), nowNanos);
          }
          if (s.health != Health.OFFLINE && s.health != Health.ASLEEP) {
            next = Math.min(next, nextChange(s, nowNanos));
          }
        }
      }
      if (wentOffline != null) {
        for (MachineSlot s : wentOffline) {
          moveWorkOf(s, s.id() + " went offline", nowNanos);
        }
      }
      for (MachineSlot s : all) {
        if (s.health == Health.LEFT) {
          continue;
        }
        // The deadline holds whatever else happens meanwhile, e.g. the drained machine falling asleep.
        if (s.drainRequested && !s.tasks.isEmpty()) {
          if (s.drainDeadlineNanos <= nowNanos) {
            moveWorkOf(s, "drain deadline of " + s.id() + " passed", nowNanos);
          } else {
            next = Math.min(next, s.drainDeadlineNanos);
          }
        }
        if (s.health == Health.ASLEEP && !s.tasks.isEmpty()) {
          next = Math.min(next, moveWorkOutstayingSleep(s, nowNanos));
        }
        // Quiet hours end by the clock, not by a heartbeat: background work there pauses or moves now.
        if ((s.health == Health.ONLINE || s.health == Health.DRAINING) && !s.tasks.isEmpty()
            && s.machine.labels().containsKey(PlacementPolicies.LABEL_QUIET_HOURS)) {
          movedBackground |= backgroundWorkFollowsOwner(s, nowNanos);
        }
      }
      if (movedBackground) {
        retryAll();
      }
      if (!paused.isEmpty()) {
        next = Math.min(next, resumeOrMovePaused(nowNanos));
      }
      next = Math.min(next, releaseDelayed(nowNanos));
      next = Math.min(next, expireDeadlines(nowNanos));
      return next;
    } finally {
      exit();
    }
  }

  private Health verdict(MachineSlot s, long now) {
    try {
      return s.monitor == null ? fixedTimeout.verdict(s.lastHeardNanos, now) : s.monitor.verdict(now);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "failure detector '" + detector.name() + "' failed for " + s.id() + "; health kept", e);
      return s.health == Health.DRAINING ? Health.ONLINE : s.health;
    }
  }

  private long nextChange(MachineSlot s, long now) {
    try {
      long change = s.monitor == null ? fixedTimeout.nextChange(s.lastHeardNanos, now) : s.monitor.nextChange(now);
      return Math.max(now + 1, change);
    } catch (RuntimeException e) {
      return now + config.heartbeatInterval().toNanos();
    }
  }

  private String silence(MachineSlot s, long now) {
    double silent = (now - s.lastHeardNanos) / 1e9;
    if (detector instanceof FixedTimeoutDetector f) {
      long limit = s.health == Health.ONLINE ? f.suspectAfterNanos : f.offlineAfterNanos;
      return String.format(Locale.ROOT, "silent for %.1fs >= %.1fs", silent, limit / 1e9);
    }
    double suspicion;
    try {
      suspicion = s.monitor == null ? fixedTimeout.suspicion(s.lastHeardNanos, now) : s.monitor.suspicion(now);
    } catch (RuntimeException e) {
      suspicion = Double.NaN;
    }
    return String.format(Locale.ROOT, "silent for %.1fs (%s %.1f)", silent, detector.name(), suspicion);
  }

  /**
   * The detector says the machine is down: a laptop that went quiet idle is asleep; anything else is offline.
   *
   * @return whether it went offline, so its work must move
   */
  private boolean goesDown(MachineSlot s, long now) {
    var idle = s.signals.ownerIdle();
    boolean sleepy = s.machine.isLaptop()
        && (s.signals.onBattery() || (idle.isPresent() && idle.get().compareTo(config.sleepHint()) >= 0));
    if (sleepy) {
      String reason = silence(s, now) + "; a laptop going quiet "
          + (s.signals.onBattery() ? "on battery" : "after its owner was idle " + RulesPage.time(idle.get()))
          + " is taken to be asleep";
      transition(s, Health.ASLEEP, reason, now);
      return false;
    }
    transition(s, Health.OFFLINE, silence(s, now), now);
    return true;
  }

  /** Moves the tasks of an asleep machine whose patience ran out; returns when the next one runs out. */
  private long moveWorkOutstayingSleep(MachineSlot s, long now) {
    long next = Long.MAX_VALUE;
    for (TaskRecord r : List.copyOf(s.tasks)) {
      Duration grace = r.task.reschedule().asleepGrace();
      if (grace.equals(ReschedulePolicy.WAIT_FOREVER)) {
        continue;
      }
      long due = saturatedAdd(s.asleepSinceNanos, nanos(grace));
      if (due <= now) {
        moveTask(r, s.id() + " was asleep for " + RulesPage.time(grace), now, true);
      } else {
        next = Math.min(next, due);
      }
    }
    retryAll();
    return next;
  }

  @Override
  public MachineStatus announceSleep(MachineId id) {
    enter();
    try {
      MachineSlot slot = slot(id);
      if (slot.health != Health.ASLEEP) {
        transition(slot, Health.ASLEEP, "announced it is going to sleep", config.ticker().read());
        slot.drainForShutdown = false;
        long now = config.ticker().read();
        for (TaskRecord r : slot.tasks) {
          Duration grace = r.task.reschedule().asleepGrace();
          scheduleSweepAt(saturatedAdd(now, nanos(grace)), now);
        }
      }
      return snapshot(slot);
    } finally {
      exit();
    }
  }

  @Override
  public double suspicion(MachineId id) {
    enter();
    try {
      MachineSlot s = slot(id);
      long now = config.ticker().read();
      return s.monitor == null ? fixedTimeout.suspicion(s.lastHeardNanos, now) : s.monitor.suspicion(now);
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
    if (to == Health.ASLEEP) {
      slot.asleepSinceNanos = now;
      slot.asleepSinceMillis = wallMillis();
    }
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
      if (queuedAhead(where, rec, now)) {
        // Earlier waiting work that ranks ahead gets first pick; then this task, if anything is left.
        live.put(task.id(), rec);
        enqueue(rec, Explanation.of("queued behind earlier tasks"), now);
        retry(List.of(where));
        if (rec.state == TaskState.DISPATCHED) {
          return (Decision.Dispatched) currentDecision(rec);
        }
        live.remove(task.id());
        rec.index.queue.remove(rec);
        queued--;
        rec.state = TaskState.QUEUED;
      }
      MachineSlot chosen = placer.choose(task, where, ceiling, null, now, config.wallClock());
      if (chosen != null) {
        live.put(task.id(), rec);
        return dispatch(rec, chosen, ceiling, placer.note, now);
      }
      if (placer.failure == null && config.preemptionGap() > 0 && task.priority() == dev.fleet.Priority.URGENT) {
        Decision.Dispatched d = preemptFor(rec, where, ceiling, now);
        if (d != null) {
          return d;
        }
      }
      Explanation why = explainer.queued(task, where, ceiling, machines.values(), placer.failure, wallMillis());
      if (waiting() >= config.maxQueuedTasks()) {
        rec.state = TaskState.REJECTED;
        rec.why = Explanation.of("rejected: the queue is full (" + waiting() + " tasks waiting, at most "
            + config.maxQueuedTasks() + "); " + why.summary());
        finished.put(task.id(), rec);
        taskEvent(rec, TaskState.QUEUED, rec.why.summary(), now);
        return new Decision.Rejected(task, rec.why);
      }
      live.put(task.id(), rec);
      enqueue(rec, why, now);
      taskEvent(rec, TaskState.QUEUED, "queued: " + why.summary(), now);
      task.deadline().ifPresent(d -> scheduleSweepAt(saturatedAdd(now, nanos(d)), now));
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
      MachineSlot chosen = placer.choose(task, where, ceiling, null, config.ticker().read(), config.wallClock());
      if (chosen != null) {
        return new Decision.Dispatched(task, chosen.id(), 1, 0L, chosen.placementLoad(), ceiling, strategy.name(),
            placer.note);
      }
      Explanation why = explainer.queued(task, where, ceiling, machines.values(), placer.failure, wallMillis());
      if (waiting() >= config.maxQueuedTasks()) {
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
      if (rec.state == TaskState.PAUSED) {
        // It started before it heard of the pause; it resumes as running.
        rec.pausedFrom = TaskState.RUNNING;
      } else if (rec.state == TaskState.DISPATCHED) {
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
      rec.attemptEnded(result.succeeded() ? "succeeded" : "failed" + (result.message().isEmpty() ? "" : ": "
          + result.message()));
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
      long now = config.ticker().read();
      long aging = config.agingStep().toNanos();
      waiting.sort((a, b) -> a.before(b, now, aging) ? -1 : b.before(a, now, aging) ? 1 : 0);
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

  private Decision.Dispatched dispatch(TaskRecord rec, MachineSlot slot, double ceiling, String note, long now) {
    double loadBefore = slot.placementLoad();
    TaskState from = rec.state;
    rec.attempt++;
    rec.token = tokens.next();
    rec.machine = slot;
    rec.state = TaskState.DISPATCHED;
    rec.why = null;
    rec.chosenLoad = loadBefore;
    rec.ceiling = ceiling;
    rec.note = note;
    rec.resumed = null;
    rec.excluded = null;
    rec.attemptStarted(now);
    slot.tasks.add(rec);
    long r = MachineSlot.micros(config.loadPerTask() * rec.task.weight().factor());
    rec.reservation = r;
    slot.reservedMicros += r;
    slot.reservations++;
    slot.activeTasks++;
    slot.rekey();
    Decision.Dispatched d = new Decision.Dispatched(rec.task, slot.machine.id(), rec.attempt, rec.token, loadBefore,
        ceiling, strategy.name(), note);
    if (transport != null) {
      Assignment a = new Assignment(rec.task, slot.machine.id(), rec.attempt, rec.token);
      events.post(() -> transport.deliver(a));
    }
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

  /** Whether a task waiting for the same capabilities ranks ahead of {@code rec} in queue order. */
  private boolean queuedAhead(LoadIndex where, TaskRecord rec, long now) {
    if (!where.hasQueuedTasks()) {
      return false;
    }
    long aging = config.agingStep().toNanos();
    for (int p = 0; p < TaskQueue.priorities(); p++) {
      TaskRecord head = where.queue.head(p);
      if (head != null && head.before(rec, now, aging)) {
        return true;
      }
    }
    return false;
  }

  /** The ceiling a task may use: that of the priority it has aged to, so a long wait also earns headroom. */
  private double ceilingFor(TaskRecord rec, long now) {
    int level = rec.agedPriority(now, config.agingStep().toNanos());
    return config.ceiling(dev.fleet.Priority.values()[level]);
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
    long aging = config.agingStep().toNanos();
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
          if (head != null && !blocked[i * levels + p] && (best == null || head.before(best, now, aging))) {
            best = head;
            bestAt = i * levels + p;
          }
        }
      }
      if (best == null) {
        return;
      }
      double ceiling = ceilingFor(best, now);
      MachineSlot chosen = placer.choose(best.task, best.index, ceiling, best.excluded, now, config.wallClock());
      if (chosen == null) {
        blocked[bestAt] = true;
        continue;
      }
      best.index.queue.removeHead(best.task.priority().ordinal());
      queued--;
      dispatch(best, chosen, ceiling, placer.note, now);
    }
  }

  /**
   * Makes room for an urgent task by sending work at least {@code preemptionGap} priority levels lower back
   * to the queue: on the machine that needs the fewest evictions, lowest priority and newest first. The
   * evicted tasks do not count it as a lost attempt, and both sides are explained.
   */
  private Decision.Dispatched preemptFor(TaskRecord rec, LoadIndex where, double ceiling, long now) {
    int minLevel = rec.task.priority().ordinal() + config.preemptionGap();
    long wall = wallMillis();
    MachineSlot target = null;
    List<TaskRecord> victims = null;
    for (int i = 0; i < where.size(); i++) {
      MachineSlot s = where.leaf(i);
      if (s.health != Health.ONLINE
          || (PlacementPolicies.applies(rec.task) && policies.veto(rec.task, s, wall) != null)) {
        continue;
      }
      List<TaskRecord> evictable = new ArrayList<>();
      for (TaskRecord t : s.tasks) {
        // Paused work holds no load, so evicting it would make no room.
        if (t.task.priority().ordinal() >= minLevel && t.state != TaskState.PAUSED) {
          evictable.add(t);
        }
      }
      evictable.sort(Comparator.comparingInt((TaskRecord t) -> -t.task.priority().ordinal())
          .thenComparingLong(t -> -t.sequence));
      double load = s.placementLoad();
      List<TaskRecord> chosen = new ArrayList<>();
      for (TaskRecord t : evictable) {
        if (load < ceiling) {
          break;
        }
        load -= taskLoad(t);
        chosen.add(t);
      }
      if (load < ceiling && !chosen.isEmpty() && (victims == null || chosen.size() < victims.size())) {
        target = s;
        victims = chosen;
      }
    }
    if (target == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (TaskRecord v : victims) {
      boolean reported = v.reservation == 0; // its load is inside the machine's reported load by now
      double share = taskLoad(v);
      moveTask(v, "preempted by urgent task " + rec.task.id() + " on " + target.id(), now, false);
      if (reported) {
        target.report(Math.max(0, target.reportedLoad - share));
      }
      names.add(v.task.id().value());
    }
    target.rekey();
    live.put(rec.task.id(), rec);
    return dispatch(rec, target, ceiling, "preempted " + String.join(", ", names) + " to make room", now);
  }

  private double taskLoad(TaskRecord t) {
    return config.loadPerTask() * t.task.weight().factor();
  }

  /**
   * Background work follows the owner of its machine. When the owner is back at the keyboard, each running
   * background task leaves (without counting as a lost attempt) or, if its policy says so, pauses in place;
   * when the owner is away again (or quiet hours began), paused work resumes.
   *
   * @return whether work moved off the machine (and waits in the queue now)
   */
  private boolean backgroundWorkFollowsOwner(MachineSlot slot, long now) {
    // Most machines run no background work: they pay one scan of their tasks, not a wall-clock read.
    boolean running = false;
    boolean held = false;
    for (int i = 0; i < slot.tasks.size(); i++) {
      TaskRecord r = slot.tasks.get(i);
      if (r.state == TaskState.PAUSED) {
        held = true;
      } else if (r.task.priority() == dev.fleet.Priority.BACKGROUND) {
        running = true;
      }
    }
    if (!running && !held) {
      return false;
    }
    long wall = wallMillis();
    if (policies.ownerAway(slot, wall)) {
      if (held && (slot.health == Health.ONLINE || slot.health == Health.DRAINING)) {
        for (int i = 0; i < slot.tasks.size(); i++) {
          TaskRecord r = slot.tasks.get(i);
          if (r.state == TaskState.PAUSED) {
            resume(r, now, wall);
          }
        }
      }
      return false;
    }
    if (!running) {
      return false;
    }
    boolean moved = false;
    for (TaskRecord r : List.copyOf(slot.tasks)) {
      if (r.task.priority() != dev.fleet.Priority.BACKGROUND || r.state == TaskState.PAUSED) {
        continue;
      }
      if (r.task.onOwnerReturn().pauses()) {
        pause(r, now, wall);
      } else {
        moveTask(r, "the owner of " + slot.id() + " returned", now, false);
        moved = true;
      }
    }
    return moved;
  }

  /**
   * Pauses a background attempt on its machine: same attempt and token, its load no longer counted there, the
   * machine told to pause it, and a sweep booked for when it must move anyway.
   */
  private void pause(TaskRecord r, long now, long wall) {
    MachineSlot slot = r.machine;
    TaskState from = r.state;
    r.pausedFrom = from;
    r.state = TaskState.PAUSED;
    r.pausedAtNanos = now;
    if (r.reservation > 0) {
      unreserve(slot, r);
      slot.removeStartedUnreported(r);
    } else {
      // Its load is inside what the machine reported; take it out until the next heartbeat says afresh.
      slot.report(Math.max(0, slot.reportedLoad - taskLoad(r)));
    }
    slot.rekey();
    paused.add(r);
    Duration most = r.task.onOwnerReturn().pauseAtMost();
    boolean forever = most.equals(dev.fleet.OwnerReturnPolicy.PAUSE_FOREVER);
    long idleMillis = slot.signals.ownerIdle().map(FleetCore::millisOf).orElse(0L);
    r.why = explainer.paused(slot, r.attempt, wall - idleMillis,
        forever ? -1 : saturatedAdd(wall, nanos(most) / 1_000_000L));
    String reason = "the owner of " + slot.id() + " returned";
    tellTransport(r, true, reason);
    taskEvent(r, from, r.why.summary(), now);
    if (!forever) {
      scheduleSweepAt(saturatedAdd(now, nanos(most)), now);
    }
  }

  /** Resumes a paused attempt where it is: its load counts again until a heartbeat reports it. */
  private void resume(TaskRecord r, long now, long wall) {
    MachineSlot slot = r.machine;
    paused.remove(r);
    r.state = r.pausedFrom;
    r.pausedFrom = null;
    long share = MachineSlot.micros(taskLoad(r));
    r.reservation = share;
    slot.reservedMicros += share;
    slot.reservations++;
    if (r.state == TaskState.RUNNING) {
      slot.addStartedUnreported(r);
    }
    slot.rekey();
    String reason = policies.awayReason(slot, wall);
    r.resumed = "resumed after a pause of " + PlacementPolicies.roughly(Duration.ofNanos(now - r.pausedAtNanos))
        + " (" + reason + ")";
    tellTransport(r, false, reason);
    taskEvent(r, TaskState.PAUSED, "resumed on " + slot.id() + ": " + reason, now);
  }

  /**
   * The sweep's part in pausing: resumes paused work whose machine's owner is away again or whose quiet hours
   * began, and moves work paused longer than its policy allows; returns when the next pause runs out.
   */
  private long resumeOrMovePaused(long now) {
    long wall = wallMillis();
    long next = Long.MAX_VALUE;
    boolean moved = false;
    for (TaskRecord r : List.copyOf(paused)) {
      MachineSlot s = r.machine;
      if ((s.health == Health.ONLINE || s.health == Health.DRAINING) && policies.ownerAway(s, wall)) {
        resume(r, now, wall);
        continue;
      }
      Duration most = r.task.onOwnerReturn().pauseAtMost();
      if (most.equals(dev.fleet.OwnerReturnPolicy.PAUSE_FOREVER)) {
        continue;
      }
      long due = saturatedAdd(r.pausedAtNanos, nanos(most));
      if (due <= now) {
        moveTask(r, "paused on " + s.id() + " for " + RulesPage.time(most) + " while its owner was active", now,
            false);
        moved = true;
      } else {
        next = Math.min(next, due);
      }
    }
    if (moved) {
      retryAll();
    }
    return next;
  }

  private void tellTransport(TaskRecord rec, boolean pause, String reason) {
    if (transport != null) {
      Assignment a = new Assignment(rec.task, rec.machine.machine.id(), rec.attempt, rec.token);
      events.post(pause ? () -> transport.pause(a, reason) : () -> transport.resume(a, reason));
    }
  }

  private static long millisOf(Duration d) {
    return nanos(d) / 1_000_000L;
  }

  /** Moves every unfinished attempt off a machine that is gone, then lets waiting work find places. */
  private void moveWorkOf(MachineSlot slot, String reason, long now) {
    if (slot.tasks.isEmpty()) {
      return;
    }
    List<TaskRecord> moving = new ArrayList<>(slot.tasks);
    moving.sort(Comparator.comparingLong(r -> r.sequence));
    for (TaskRecord r : moving) {
      moveTask(r, reason, now, true);
    }
    retryAll();
  }

  /**
   * Ends a task's current attempt because its machine is gone: back to the queue for a new attempt (after
   * its reschedule delay, preferring another machine), or dead-lettered once it has had its attempts.
   */
  private void moveTask(TaskRecord rec, String reason, long now, boolean lost) {
    MachineSlot from = rec.machine;
    TaskState was = rec.state;
    withdraw(rec, reason);
    release(rec);
    rec.attemptEnded(reason);
    rec.token = 0;
    rec.excluded = from;
    if (lost) {
      rec.lost++;
    }
    if (rec.lost >= rec.task.maxAttempts()) {
      rec.state = TaskState.DEAD_LETTERED;
      rec.why = new Explanation("dead-lettered after " + rec.lost + " of " + rec.task.maxAttempts()
          + " attempts: " + reason, List.of(), 0, rec.history().stream().map(Object::toString).toList());
      retire(rec);
      taskEvent(rec, was, rec.why.summary(), now);
      return;
    }
    Duration wait = lost ? rec.task.reschedule().delayBefore(rec.lost + 1) : Duration.ZERO;
    if (wait.isZero()) {
      Explanation why = explainer.queued(rec.task, rec.index, config.ceiling(rec.task.priority()), machines.values(),
          null, wallMillis());
      enqueue(rec, new Explanation(reason + "; waiting for attempt " + (rec.attempt + 1) + ": " + why.summary(),
          why.machines(), why.omitted(), why.unblockers()), now);
      taskEvent(rec, was, reason + "; back in the queue for attempt " + (rec.attempt + 1), now);
      return;
    }
    rec.state = TaskState.QUEUED;
    rec.delayed = true;
    rec.notBeforeNanos = saturatedAdd(now, nanos(wait));
    rec.why = Explanation.of(reason + "; attempt " + (rec.attempt + 1) + " after a delay of " + RulesPage.time(wait));
    delayed.add(rec);
    scheduleSweepAt(rec.notBeforeNanos, now);
    taskEvent(rec, was, rec.why.summary(), now);
  }

  /** Puts tasks whose reschedule delay has passed back in their queues; returns when the next one is due. */
  private long releaseDelayed(long now) {
    boolean released = false;
    TaskRecord r;
    while ((r = delayed.peek()) != null && r.notBeforeNanos <= now) {
      delayed.poll();
      if (r.state == TaskState.QUEUED && r.delayed) {
        r.delayed = false;
        enqueue(r, explainer.queued(r.task, r.index, config.ceiling(r.task.priority()), machines.values(), null, wallMillis()), now);
        released = true;
      }
    }
    if (released) {
      retryAll();
    }
    return r == null ? Long.MAX_VALUE : r.notBeforeNanos;
  }

  private long wallMillis() {
    return config.wallClock().millis();
  }

  private int waiting() {
    return queued + delayed.size();
  }

  /** A user-supplied duration in nanoseconds, Long.MAX_VALUE for anything longer than ~292 years. */
  static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  @Override
  public Decision.Dispatched reroute(TaskId id, MachineId machineId) {
    enter();
    try {
      TaskRecord rec = live.get(java.util.Objects.requireNonNull(id, "task id"));
      if (rec == null) {
        TaskRecord done = finished.getIfPresent(id);
        if (done == null) {
          throw new UnknownTaskException(id);
        }
        throw new IllegalStateException("cannot move task '" + id + "': it is already "
            + done.state.name().toLowerCase(Locale.ROOT));
      }
      MachineSlot target = slot(java.util.Objects.requireNonNull(machineId, "machine id"));
      if (target.health != Health.ONLINE) {
        throw new IllegalStateException("cannot move task '" + id + "' to " + machineId + ": it is "
            + target.health.word());
      }
      if (!target.memberOf(rec.index)) {
        String missing = rec.task.requires().stream().filter(c -> !target.machine.can(c)).findFirst().orElse("?");
        throw new IllegalStateException("cannot move task '" + id + "' to " + machineId + ": it lacks '" + missing
            + "'");
      }
      long now = config.ticker().read();
      if (rec.machine == target && rec.state != TaskState.QUEUED) {
        return (Decision.Dispatched) currentDecision(rec);
      }
      String note;
      if (rec.state == TaskState.QUEUED) {
        if (rec.delayed) {
          delayed.remove(rec);
          rec.delayed = false;
        } else {
          rec.index.queue.remove(rec);
          queued--;
        }
        note = "moved to " + machineId + " by request";
      } else {
        MachineSlot from = rec.machine;
        note = "moved from " + from.id() + " to " + machineId + " by request";
        withdraw(rec, note);
        release(rec);
        rec.attemptEnded(note);
        retryQueue(from);
      }
      return dispatch(rec, target, config.ceiling(rec.task.priority()), note + "; load ceiling not applied", now);
    } finally {
      exit();
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

  /** Tells the transport an attempt is no longer current; called before release() forgets its token. */
  private void withdraw(TaskRecord rec, String reason) {
    if (transport != null && rec.token != 0 && rec.machine != null) {
      Assignment a = new Assignment(rec.task, rec.machine.machine.id(), rec.attempt, rec.token);
      events.post(() -> transport.withdraw(a, reason));
    }
  }

  private void release(TaskRecord rec) {
    MachineSlot slot = rec.machine;
    slot.tasks.remove(rec);
    if (rec.state == TaskState.PAUSED) {
      paused.remove(rec);
      rec.pausedFrom = null;
    }
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
      if (rec.delayed) {
        delayed.remove(rec);
        rec.delayed = false;
      } else {
        rec.index.queue.remove(rec);
        queued--;
      }
    } else {
      slot = rec.machine;
      withdraw(rec, reason);
      release(rec);
      rec.attemptEnded(reason);
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
    return r.task.deadline().isEmpty() ? Long.MAX_VALUE : saturatedAdd(r.submittedNanos, nanos(r.task.deadline().get()));
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
      case DISPATCHED, RUNNING, PAUSED, SUCCEEDED, FAILED -> rec.machine == null
          ? new Decision.Rejected(rec.task, why(rec))
          : new Decision.Dispatched(rec.task, rec.machine.id(), rec.attempt, rec.token, rec.chosenLoad, rec.ceiling,
              strategy.name(), rec.placementNote());
      case QUEUED -> new Decision.Queued(rec.task, why(rec));
      case CANCELLED, REJECTED, DEAD_LETTERED -> new Decision.Rejected(rec.task, why(rec));
    };
  }

  private Explanation why(TaskRecord rec) {
    return switch (rec.state) {
      case QUEUED -> rec.delayed ? rec.why
          : explainer.queued(rec.task, rec.index, config.ceiling(rec.task.priority()), machines.values(), null, wallMillis());
      case DISPATCHED, RUNNING -> new Decision.Dispatched(rec.task, rec.machine.id(), rec.attempt, 1L, rec.chosenLoad,
          rec.ceiling, strategy.name(), rec.placementNote()).why();
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
