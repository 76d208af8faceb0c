package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fleet.Decision;
import dev.fleet.Dispatcher;
import dev.fleet.Explanation;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.MachineVerdict;
import dev.fleet.Priority;
import dev.fleet.Reason;
import dev.fleet.Registry;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownTaskException;
import dev.fleet.Weight;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Drives a fleet on hand-driven time through a list of operations and checks every decision, including
 * the automatic ones made from the queue, against a brute-force model of the default rule.
 *
 * <p>The model knows only what a user can see (registry snapshots, task statuses, events, decisions)
 * plus its own ledger of reservations: a dispatched task adds {@code 0.10 x weight} to its machine
 * until the first accepted heartbeat after {@code started}, or until it completes, is cancelled or is
 * moved. The ledger is itself checked after every operation against {@code effectiveLoad}.
 *
 * <p>Effective load is fixed point in millionths: with no reservation it is the reported load; with
 * some it is the reported load rounded to the nearest millionth plus the reservations. So a machine
 * reporting 0.70 that was given one 0.10 task is at exactly 0.80, at the ceiling.
 */
final class FleetDriver implements AutoCloseable {
  static final List<String> CAPS = List.of("gpu", "cpu", "ssd", "net", "arm", "mac");
  static final long CEILING_MICROS = 800_000;
  static final long URGENT_CEILING_MICROS = 950_000;

  /** What a driver asserts; each property turns on the ones its name promises. */
  enum Check {
    /** Every dispatch goes to an online machine with the capabilities below the ceiling. */
    ELIGIBLE,
    /** Every dispatch goes to the least-loaded eligible machine, ties to the first registered. */
    LEAST_LOADED,
    /** A submission queues exactly when nothing is eligible; afterwards no waiting task could run. */
    QUEUED_IFF,
    /** The queue reads priority then FIFO, and automatic dispatch takes the first waiting task that fits. */
    ORDER,
    /** Every task in exactly one place, load counted once, one result, attempts rising. */
    BOOKKEEPING
  }

  // ------------------------------------------------------------------ generated inputs

  enum Start { ONLINE, SUSPECT, OFFLINE_BY_SILENCE, REGISTERED_OFFLINE, REGISTERED_ASLEEP, DRAINING, REGISTERED_DRAINING }

  record MachineSpec(List<String> caps, double load, Start start) {}

  record TaskSpec(Set<String> requires, Priority priority, Weight weight, int deadlineSeconds) {}

  /** @param maxQueued 0 for the default (unbounded in practice) */
  record FleetSpec(List<MachineSpec> machines, int maxQueued) {}

  enum BeatKind { NEXT, REPEATED, RESTART }

  enum TokenKind { CURRENT, PREVIOUS, FORGED }

  sealed interface Op permits Submit, Resubmit, Plan, Beat, Started, Complete, Cancel, CancelUnknown, Register,
      Reregister, Update, Drain, Undrain, Deregister, Advance, Sweep {}

  record Submit(TaskSpec spec) implements Op {}

  record Resubmit(int task) implements Op {}

  record Plan(TaskSpec spec) implements Op {}

  record Beat(int machine, double load, BeatKind kind) implements Op {}

  record Started(int task, TokenKind token) implements Op {}

  record Complete(int task, boolean success, TokenKind token) implements Op {}

  record Cancel(int task) implements Op {}

  record CancelUnknown() implements Op {}

  record Register(MachineSpec machine) implements Op {}

  record Reregister(int departed, List<String> caps) implements Op {}

  record Update(int machine, List<String> caps) implements Op {}

  record Drain(int machine) implements Op {}

  record Undrain(int machine) implements Op {}

  record Deregister(int machine) implements Op {}

  record Advance(int seconds) implements Op {}

  record Sweep() implements Op {}

  // ------------------------------------------------------------------ model of tasks

  static final class TaskModel {
    final Task task;
    final long seq;
    /** Null until the submission's first event. */
    TaskState state;
    MachineId machine;
    int attempt;
    int lastDispatchedAttempt;
    long token;
    final List<Long> tokens = new ArrayList<>();
    boolean started;
    boolean reserved;
    int acceptedResults;
    TaskResult result;
    int dispatchEvents;

    TaskModel(Task task, long seq) {
      this.task = task;
      this.seq = seq;
    }

    boolean live() {
      return state == TaskState.DISPATCHED || state == TaskState.RUNNING;
    }

    @Override
    public String toString() {
      return task.id() + "[" + state + ", " + task.priority() + ", seq " + seq + ", needs " + task.requires()
          + (machine == null ? "" : ", on " + machine) + ", attempt " + attempt + "]";
    }
  }

  /** A machine as the model sees it at one instant. */
  record View(MachineStatus status, long reservedMicros) {
    MachineId id() {
      return status.id();
    }

    double effective() {
      return effectiveLoad(status.load(), reservedMicros);
    }
  }

  // ------------------------------------------------------------------ state

  final TestFleet t;
  final Registry registry;
  final Dispatcher dispatcher;
  final int maxQueued;
  final EnumSet<Check> checks;
  final List<TaskModel> tasks = new ArrayList<>();
  final Map<TaskId, TaskModel> byId = new HashMap<>();
  private final Map<MachineId, Long> lastSequence = new HashMap<>();
  private final List<MachineId> departed = new ArrayList<>();
  private int consumed;
  private int machineNumber;
  private int taskNumber;
  private long submissions;
  /** Decisions checked, so properties can make sure they tested something. */
  int dispatchesChecked;
  int queuedChecked;
  int automaticDispatches;

  private FleetDriver(FleetSpec spec, EnumSet<Check> checks) {
    this.checks = checks;
    this.maxQueued = spec.maxQueued() > 0 ? spec.maxQueued() : Integer.MAX_VALUE;
    this.t = spec.maxQueued() > 0 ? new TestFleet(b -> b.maxQueuedTasks(spec.maxQueued())) : new TestFleet();
    this.registry = t.fleet.registry();
    this.dispatcher = t.fleet.dispatcher();
  }

  /**
   * A fleet whose machines are in the health their spec asks for, reached the way a real fleet gets
   * there: by time passing and heartbeats (or by registering in a saved state).
   */
  static FleetDriver start(FleetSpec spec, EnumSet<Check> checks) {
    FleetDriver d = new FleetDriver(spec, checks);
    List<MachineId> ids = new ArrayList<>();
    for (MachineSpec m : spec.machines()) {
      Machine machine = d.newMachine(m.caps());
      ids.add(machine.id());
      switch (m.start()) {
        case REGISTERED_OFFLINE -> d.registry.register(machine, Health.OFFLINE, m.load());
        case REGISTERED_ASLEEP -> d.registry.register(machine, Health.ASLEEP, m.load());
        case REGISTERED_DRAINING -> d.registry.register(machine, Health.DRAINING, m.load());
        default -> d.registry.register(machine);
      }
      d.lastSequence.put(machine.id(), -1L);
    }
    // t=16s: everyone registered at 0 is suspect; all but the ones meant to go offline speak up.
    d.t.advance(Duration.ofSeconds(16));
    for (int i = 0; i < ids.size(); i++) {
      Start s = spec.machines().get(i).start();
      if (s == Start.ONLINE || s == Start.SUSPECT || s == Start.DRAINING) {
        d.beat(ids.get(i), spec.machines().get(i).load(), BeatKind.NEXT);
      }
    }
    // t=32s: silent since 0 -> offline; silent since 16 -> suspect; then the online ones speak again.
    d.t.advance(Duration.ofSeconds(16));
    for (int i = 0; i < ids.size(); i++) {
      MachineSpec m = spec.machines().get(i);
      if (m.start() == Start.ONLINE || m.start() == Start.DRAINING) {
        d.beat(ids.get(i), m.load(), BeatKind.NEXT);
      }
      if (m.start() == Start.DRAINING) {
        d.registry.drain(ids.get(i));
      }
    }
    d.consumeSetupEvents();
    for (int i = 0; i < ids.size(); i++) {
      Health expected = switch (spec.machines().get(i).start()) {
        case ONLINE -> Health.ONLINE;
        case SUSPECT -> Health.SUSPECT;
        case OFFLINE_BY_SILENCE, REGISTERED_OFFLINE, REGISTERED_DRAINING -> Health.OFFLINE;
        case REGISTERED_ASLEEP -> Health.ASLEEP;
        case DRAINING -> Health.DRAINING;
      };
      assertEquals(expected, d.t.fleet.monitor().health(ids.get(i)), "setup of " + ids.get(i));
    }
    return d;
  }

  private Machine newMachine(List<String> caps) {
    return TestFleet.machine("m" + machineNumber++, "role", caps.toArray(String[]::new));
  }

  private Task newTask(TaskSpec spec, String prefix) {
    // Immediate retries: this model re-queues a task the moment its machine leaves (delays: LivenessTest).
    Task.Builder b = Task.newBuilder(prefix + taskNumber++).requires(spec.requires()).priority(spec.priority())
        .weight(spec.weight()).reschedule(dev.fleet.ReschedulePolicy.constant(Duration.ZERO));
    if (spec.deadlineSeconds() > 0) {
      b.deadline(Duration.ofSeconds(spec.deadlineSeconds()));
    }
    return b.build();
  }

  private void consumeSetupEvents() {
    for (; consumed < t.events.size(); consumed++) {
      assertInstanceOf(FleetEvent.HealthChanged.class, t.events.get(consumed));
    }
  }

  @Override
  public void close() {
    t.close();
  }

  // ------------------------------------------------------------------ the rule, brute force

  static long ceilingMicros(Task task) {
    return task.priority() == Priority.URGENT ? URGENT_CEILING_MICROS : CEILING_MICROS;
  }

  static double ceiling(Task task) {
    return ceilingMicros(task) / 1e6;
  }

  static long reservationMicros(Task task) {
    return switch (task.weight()) {
      case LIGHT -> 50_000;
      case NORMAL -> 100_000;
      case HEAVY -> 200_000;
    };
  }

  /** Reported load plus reservations, in fixed-point millionths once there is any reservation. */
  static double effectiveLoad(double reported, long reservedMicros) {
    return (Math.rint(reported * 1e6) + reservedMicros) / 1e6; // the core compares in millionths throughout
  }

  /** Whether the load is below the task's ceiling, decided exactly in millionths as the core does. */
  static boolean belowCeiling(View m, Task task) {
    return Math.rint(m.status().load() * 1e6) + m.reservedMicros() < ceilingMicros(task);
  }

  static boolean eligible(View m, Task task) {
    return m.status().health() == Health.ONLINE
        && m.status().machine().capabilities().containsAll(task.requires())
        && belowCeiling(m, task);
  }

  /** The seed's rule: least effective load among the eligible, ties to the first registered. */
  static Optional<View> leastLoadedEligible(List<View> machines, Task task) {
    View best = null;
    for (View m : machines) {
      if (!eligible(m, task)) {
        continue;
      }
      if (best == null || m.effective() < best.effective()
          || (m.effective() == best.effective() && m.status().registrationOrder() < best.status().registrationOrder())) {
        best = m;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Registry snapshots joined with the ledger's reservations as they stand now. */
  List<View> views(List<MachineStatus> statuses) {
    Map<MachineId, Long> micros = new HashMap<>();
    for (TaskModel m : tasks) {
      if (m.reserved) {
        micros.merge(m.machine, reservationMicros(m.task), Long::sum);
      }
    }
    List<View> out = new ArrayList<>(statuses.size());
    for (MachineStatus s : statuses) {
      out.add(new View(s, micros.getOrDefault(s.id(), 0L)));
    }
    return out;
  }

  static String describe(List<View> views) {
    return views.stream().map(v -> v.id() + "(" + v.status().health().word() + ", caps "
        + v.status().machine().capabilities() + ", load " + v.status().load() + " + " + v.reservedMicros()
        + "u = " + v.effective() + ", order " + v.status().registrationOrder() + ")")
        .collect(Collectors.joining("\n  ", "\n  ", ""));
  }

  // ------------------------------------------------------------------ operations

  void run(List<Op> ops) {
    for (Op op : ops) {
      apply(op);
    }
  }

  void apply(Op op) {
    List<MachineStatus> pre = registry.list();
    Decision own = null;
    TaskModel submitted = null;
    if (op instanceof Submit s) {
      submitted = track(newTask(s.spec(), "t"));
      long queuedBefore = tasks.stream().filter(m -> m.state == TaskState.QUEUED).count();
      own = dispatcher.submit(submitted.task);
      checkOwnDecision(op, pre, submitted.task, own, queuedBefore, false);
    } else if (op instanceof Plan p) {
      Task task = newTask(p.spec(), "p");
      long queuedBefore = tasks.stream().filter(m -> m.state == TaskState.QUEUED).count();
      int eventsBefore = t.events.size();
      Decision d = dispatcher.plan(task);
      assertEquals(eventsBefore, t.events.size(), "plan published events");
      checkOwnDecision(op, pre, task, d, queuedBefore, true);
    } else if (op instanceof Resubmit r) {
      TaskModel m = pick(r.task());
      if (m != null) {
        checkCurrentDecision(m, dispatcher.submit(m.task));
      }
    } else if (op instanceof Beat b) {
      if (!pre.isEmpty()) {
        beat(pre.get(Math.floorMod(b.machine(), pre.size())).id(), b.load(), b.kind());
      }
    } else if (op instanceof Started s) {
      TaskModel m = pick(s.task());
      if (m != null) {
        long token = token(m, s.token());
        boolean accept = m.live() && token == m.token;
        if (accept) {
          TaskStatus st = dispatcher.started(m.task.id(), token);
          assertEquals(TaskState.RUNNING, st.state(), "started " + m);
        } else {
          assertThrows(StaleAttemptException.class, () -> dispatcher.started(m.task.id(), token),
              "started with a stale token " + m);
        }
      }
    } else if (op instanceof Complete c) {
      TaskModel m = pick(c.task());
      if (m != null) {
        long token = token(m, c.token());
        boolean accept = m.live() && token == m.token;
        TaskResult result = c.success() ? TaskResult.success() : TaskResult.failure("failed " + m.task.id());
        if (accept) {
          TaskStatus st = dispatcher.complete(m.task.id(), token, result);
          assertEquals(c.success() ? TaskState.SUCCEEDED : TaskState.FAILED, st.state(), "completed " + m);
          assertEquals(Optional.of(result), st.result());
          m.acceptedResults++;
          m.result = result;
        } else {
          assertThrows(StaleAttemptException.class, () -> dispatcher.complete(m.task.id(), token, result),
              "result with a stale token for " + m);
        }
      }
    } else if (op instanceof Cancel c) {
      TaskModel m = pick(c.task());
      if (m != null) {
        boolean expected = !m.state.isFinal();
        assertEquals(expected, dispatcher.cancel(m.task.id()), "cancel " + m);
      }
    } else if (op instanceof CancelUnknown) {
      assertThrows(UnknownTaskException.class, () -> dispatcher.cancel(TaskId.of("never-submitted")));
    } else if (op instanceof Register r) {
      Machine machine = newMachine(r.machine().caps());
      Health h = switch (r.machine().start()) {
        case ONLINE -> Health.ONLINE;
        case SUSPECT -> Health.SUSPECT;
        case OFFLINE_BY_SILENCE, REGISTERED_OFFLINE -> Health.OFFLINE;
        case REGISTERED_ASLEEP -> Health.ASLEEP;
        case DRAINING, REGISTERED_DRAINING -> Health.DRAINING;
      };
      MachineStatus st = registry.register(machine, h, r.machine().load());
      assertEquals(h, st.health());
      lastSequence.put(machine.id(), -1L);
    } else if (op instanceof Reregister r) {
      if (!departed.isEmpty()) {
        MachineId id = departed.remove(Math.floorMod(r.departed(), departed.size()));
        registry.register(TestFleet.machine(id.value(), "role", r.caps().toArray(String[]::new)));
        lastSequence.put(id, -1L);
      }
    } else if (op instanceof Update u) {
      if (!pre.isEmpty()) {
        MachineStatus m = pre.get(Math.floorMod(u.machine(), pre.size()));
        MachineStatus st = registry.update(m.machine().withCapabilities(u.caps()));
        assertEquals(new LinkedHashSet<>(u.caps()), st.machine().capabilities());
        assertEquals(m.health(), st.health(), "update keeps health");
      }
    } else if (op instanceof Drain d) {
      if (!pre.isEmpty()) {
        registry.drain(pre.get(Math.floorMod(d.machine(), pre.size())).id());
      }
    } else if (op instanceof Undrain u) {
      if (!pre.isEmpty()) {
        registry.undrain(pre.get(Math.floorMod(u.machine(), pre.size())).id());
      }
    } else if (op instanceof Deregister d) {
      if (!pre.isEmpty()) {
        MachineId id = pre.get(Math.floorMod(d.machine(), pre.size())).id();
        assertTrue(registry.deregister(id));
        assertFalse(registry.deregister(id), "deregistered twice");
        departed.add(id);
        lastSequence.remove(id);
      }
    } else if (op instanceof Advance a) {
      // One scheduled command at a time, each checked like an operation of its own: a sweep that moves work
      // onto a machine is judged by that machine's health then, not after a later sweep in the same advance.
      long target = t.ticker.read() + Duration.ofSeconds(a.seconds()).toNanos();
      for (var due = t.scheduler.nextDueNanos(); due.isPresent() && due.getAsLong() <= target;
          due = t.scheduler.nextDueNanos()) {
        t.advance(Duration.ofNanos(Math.max(0, due.getAsLong() - t.ticker.read())));
        afterOperation(op, submitted, own);
      }
      t.advance(Duration.ofNanos(target - t.ticker.read()));
    } else if (op instanceof Sweep) {
      t.fleet.monitor().sweep(t.ticker.read());
    } else {
      fail("unknown op " + op);
    }
    afterOperation(op, submitted, own);
  }

  private TaskModel track(Task task) {
    TaskModel m = new TaskModel(task, ++submissions);
    tasks.add(m);
    byId.put(task.id(), m);
    return m;
  }

  private TaskModel pick(int i) {
    return tasks.isEmpty() ? null : tasks.get(Math.floorMod(i, tasks.size()));
  }

  private long token(TaskModel m, TokenKind kind) {
    return switch (kind) {
      case CURRENT -> m.token;
      case PREVIOUS -> m.tokens.size() >= 2 ? m.tokens.get(m.tokens.size() - 2) : m.token ^ 0x5DEECE66DL;
      case FORGED -> m.token + 1;
    };
  }

  void beat(MachineId id, double load, BeatKind kind) {
    long last = lastSequence.get(id);
    long seq = switch (kind) {
      case NEXT -> Math.max(last, 0) + 1;
      case REPEATED -> Math.max(last, 0);
      // A 0 from a machine heard from before now means its agent restarted and lost its work (pinned by
      // LivenessRegressionTest); this model keeps work across beats, so it only ever restarts a silent one.
      case RESTART -> last < 0 ? 0 : Math.max(last, 0) + 1;
    };
    boolean expected = seq > last || seq == 0;
    boolean accepted = t.fleet.monitor().heartbeat(Heartbeat.of(id, seq, load));
    assertEquals(expected, accepted, () -> "heartbeat " + seq + " from " + id + " after " + last);
    if (accepted) {
      lastSequence.put(id, seq);
      // Work confirmed started before this heartbeat is part of the load it reports.
      for (TaskModel m : tasks) {
        if (m.reserved && m.state == TaskState.RUNNING && m.machine.equals(id)) {
          m.reserved = false;
        }
      }
    }
  }

  // ------------------------------------------------------------------ checks

  /** A submission's or plan's own decision, against registry snapshots taken just before the call. */
  private void checkOwnDecision(Op op, List<MachineStatus> pre, Task task, Decision d, long queuedBefore,
      boolean plan) {
    List<View> views = views(pre);
    Optional<View> best = leastLoadedEligible(views, task);
    Supplier<String> ctx = () -> op + " -> " + d + " over" + describe(views);
    if (d instanceof Decision.Dispatched x) {
      dispatchesChecked++;
      View chosen = views.stream().filter(v -> v.id().equals(x.machine())).findFirst().orElse(null);
      if (checks.contains(Check.ELIGIBLE)) {
        assertTrue(chosen != null, () -> "dispatched to an unregistered machine: " + ctx.get());
        assertEquals(Health.ONLINE, chosen.status().health(), () -> "dispatched to a machine not online: " + ctx.get());
        assertTrue(chosen.status().machine().capabilities().containsAll(task.requires()),
            () -> "dispatched to a machine lacking a capability: " + ctx.get());
        assertTrue(belowCeiling(chosen, task), () -> "dispatched to a machine at the ceiling: " + ctx.get());
        assertEquals(chosen.status().effectiveLoad(), x.load(), () -> "decision load is the snapshot's: " + ctx.get());
        assertEquals(ceiling(task), x.ceiling(), () -> "ceiling: " + ctx.get());
      }
      if (checks.contains(Check.LEAST_LOADED)) {
        assertEquals(best.map(View::id), Optional.of(x.machine()), () -> "not the least-loaded eligible: " + ctx.get());
      }
      if (checks.contains(Check.QUEUED_IFF)) {
        assertTrue(best.isPresent(), () -> "dispatched although no machine is eligible: " + ctx.get());
      }
      assertEquals(1, x.attempt());
      if (plan) {
        assertEquals(0L, x.token(), "a plan carries no token");
        assertTrue(x.isPlan());
      } else {
        assertNotEquals(0L, x.token(), "a dispatch carries a token");
      }
    } else {
      queuedChecked++;
      if (checks.contains(Check.QUEUED_IFF) || checks.contains(Check.LEAST_LOADED)) {
        assertEquals(Optional.empty(), best.map(View::id), () -> "waits although a machine is eligible: " + ctx.get());
      }
      if (checks.contains(Check.QUEUED_IFF)) {
        if (queuedBefore < maxQueued) {
          assertInstanceOf(Decision.Queued.class, d, ctx);
          checkReasons(d.why(), views, task, ctx);
        } else {
          assertInstanceOf(Decision.Rejected.class, d, () -> "queue full (" + queuedBefore + "): " + ctx.get());
        }
      }
    }
  }

  /**
   * A waiting task's explanation counts every machine once, and each listed verdict is true of that
   * machine: with the default strategy the only reasons are health, a missing capability or load.
   */
  static void checkReasons(Explanation why, List<View> views, Task task, Supplier<String> ctx) {
    assertTrue(why.summary().startsWith("0/" + views.size() + " machines fit"), () -> why.summary() + ctx.get());
    assertEquals(views.size(), why.machines().size() + why.omitted(), () -> "machines counted in " + why.render());
    assertFalse(why.render().contains("strategy"), () -> "the default strategy neither declines nor fails: "
        + why.render() + ctx.get());
    for (MachineVerdict v : why.machines()) {
      View m = views.stream().filter(x -> x.id().equals(v.machine())).findFirst().orElseThrow();
      boolean hasCaps = m.status().machine().capabilities().containsAll(task.requires());
      Health h = m.status().health();
      boolean holds = switch (v.reason()) {
        case OFFLINE, SUSPECT, ASLEEP, DRAINING -> hasCaps && Reason.of(h) == v.reason();
        case LACKS_CAPABILITY -> !hasCaps;
        case AT_CEILING -> hasCaps && h == Health.ONLINE && !belowCeiling(m, task);
        case SLOTS_FULL -> hasCaps && h == Health.ONLINE && m.status().slotsFree().orElse(1) == 0;
        // Policies only veto heavy or background work on machines that report battery, heat or an owner, which
        // these fleets never do; the other codes are not explanations of a wait.
        case FITS, DECLINED, STRATEGY_FAILED, EXCLUDED, ROLE, ON_BATTERY, THROTTLED, OWNER_ACTIVE, THIN_CLIENT -> false;
      };
      assertTrue(holds, () -> "untrue verdict '" + v + "' (" + v.reason() + ") in " + why.render() + ctx.get());
    }
  }

  /** What a second submission of a known task returns: its current decision, changing nothing. */
  private void checkCurrentDecision(TaskModel m, Decision d) {
    switch (m.state) {
      case QUEUED -> assertInstanceOf(Decision.Queued.class, d, m.toString());
      case CANCELLED, REJECTED -> assertInstanceOf(Decision.Rejected.class, d, m.toString());
      case DISPATCHED, RUNNING, SUCCEEDED, FAILED -> {
        Decision.Dispatched x = assertInstanceOf(Decision.Dispatched.class, d, m.toString());
        assertEquals(m.machine, x.machine(), m.toString());
        assertEquals(m.attempt, x.attempt(), m.toString());
        if (m.live()) {
          assertEquals(m.token, x.token(), m.toString());
        }
      }
    }
  }

  /**
   * Replays the operation's events against the model: the state at the instant of each automatic
   * dispatch is the registry after the operation (retries come last in every operation, and change
   * nothing but reservations) with the ledger as it stood at that event.
   */
  private void afterOperation(Op op, TaskModel submitted, Decision own) {
    int eventsAtStart = consumed;
    List<MachineStatus> post = registry.list();
    List<TaskModel> autoDispatched = new ArrayList<>();
    List<Double> autoLoads = new ArrayList<>();
    for (; consumed < t.events.size(); consumed++) {
      FleetEvent e = t.events.get(consumed);
      if (!(e instanceof FleetEvent.TaskChanged tc)) {
        continue;
      }
      TaskModel m = byId.get(tc.task());
      assertTrue(m != null, "event for a task never submitted: " + tc);
      if (checks.contains(Check.BOOKKEEPING)) {
        assertEquals(m.state == null ? TaskState.QUEUED : m.state, tc.from(), () -> "event chain of " + m + ": " + tc);
      }
      if (tc.to() == TaskState.DISPATCHED) {
        if (checks.contains(Check.BOOKKEEPING)) {
          assertTrue(tc.attempt() > m.lastDispatchedAttempt, () -> "attempt did not rise: " + tc + " after " + m);
          assertEquals(m.attempt + 1, tc.attempt(), () -> "attempt skipped: " + tc);
        }
        MachineId where = tc.machine().orElseThrow();
        boolean automatic = m != submitted;
        if (automatic) {
          List<View> instant = views(post);
          checkAutomaticDispatch(op, m, where, instant);
          autoDispatched.add(m);
          autoLoads.add(instant.stream().filter(v -> v.id().equals(where)).findFirst()
              .map(View::effective).orElse(Double.NaN));
        }
        m.lastDispatchedAttempt = tc.attempt();
        m.dispatchEvents++;
        m.machine = where;
        m.reserved = true;
        m.started = false;
      } else if (tc.to() == TaskState.RUNNING) {
        m.started = true;
      } else {
        m.reserved = false;
        m.started = false;
      }
      m.state = tc.to();
      m.attempt = tc.attempt();
    }
    if (submitted != null) {
      TaskState decided = own instanceof Decision.Dispatched ? TaskState.DISPATCHED
          : own instanceof Decision.Queued ? TaskState.QUEUED : TaskState.REJECTED;
      assertEquals(decided, submitted.state, "event for the submission agrees with its decision");
      if (own instanceof Decision.Dispatched x) {
        submitted.token = x.token();
        submitted.tokens.add(x.token());
      }
    }
    // Learn the tokens of automatic dispatches the way an agent without events can: submit again.
    int eventsBefore = t.events.size();
    for (int i = 0; i < autoDispatched.size(); i++) {
      TaskModel m = autoDispatched.get(i);
      if (!m.live()) {
        continue;
      }
      Decision.Dispatched x = assertInstanceOf(Decision.Dispatched.class, dispatcher.submit(m.task), m::toString);
      assertEquals(m.machine, x.machine());
      assertEquals(m.attempt, x.attempt());
      if (checks.contains(Check.ELIGIBLE) || checks.contains(Check.LEAST_LOADED)) {
        assertEquals(autoLoads.get(i), x.load(), () -> "load recorded for the automatic dispatch of " + m);
        assertEquals(ceiling(m.task), x.ceiling());
      }
      m.token = x.token();
      m.tokens.add(x.token());
    }
    assertEquals(eventsBefore, t.events.size(), "a second submission changed something");
    if (checks.contains(Check.QUEUED_IFF)) {
      List<View> now = views(post);
      for (TaskModel m : tasks) {
        if (m.state == TaskState.QUEUED) {
          Optional<View> could = leastLoadedEligible(now, m.task);
          assertEquals(Optional.empty(), could.map(View::id),
              () -> "after " + op + " " + m + " waits although a machine is eligible:" + describe(now));
        }
      }
      for (TaskStatus waiting : dispatcher.queue()) {
        checkReasons(waiting.why(), now, waiting.task(), () -> " in queue() after " + op);
      }
    }
    if (checks.contains(Check.BOOKKEEPING)) {
      checkBookkeeping(op, post);
    }
    if (checks.contains(Check.ORDER)) {
      checkQueueOrder(op);
    }
    if (eventsAtStart > consumed) {
      fail("events went backwards");
    }
  }

  private void checkAutomaticDispatch(Op op, TaskModel m, MachineId where, List<View> instant) {
    dispatchesChecked++;
    automaticDispatches++;
    Supplier<String> ctx = () -> "after " + op + " " + m + " went to " + where + " over" + describe(instant);
    View chosen = instant.stream().filter(v -> v.id().equals(where)).findFirst().orElse(null);
    if (checks.contains(Check.ELIGIBLE)) {
      assertTrue(chosen != null, () -> "dispatched to an unregistered machine: " + ctx.get());
      assertEquals(Health.ONLINE, chosen.status().health(), () -> "dispatched to a machine not online: " + ctx.get());
      assertTrue(chosen.status().machine().capabilities().containsAll(m.task.requires()),
          () -> "dispatched to a machine lacking a capability: " + ctx.get());
      assertTrue(belowCeiling(chosen, m.task), () -> "dispatched to a machine at the ceiling: " + ctx.get());
    }
    if (checks.contains(Check.LEAST_LOADED)) {
      assertEquals(leastLoadedEligible(instant, m.task).map(View::id), Optional.of(where),
          () -> "not the least-loaded eligible: " + ctx.get());
    }
    if (checks.contains(Check.ORDER)) {
      assertEquals(TaskState.QUEUED, m.state, () -> "dispatched from the queue while not waiting: " + ctx.get());
      TaskModel first = tasks.stream().filter(x -> x.state == TaskState.QUEUED)
          .filter(x -> leastLoadedEligible(instant, x.task).isPresent())
          .min(Comparator.comparing((TaskModel x) -> x.task.priority()).thenComparingLong(x -> x.seq))
          .orElse(null);
      assertEquals(first == null ? null : first.task.id(), m.task.id(),
          () -> "not the first waiting task (priority, then FIFO) that fits: " + ctx.get());
    }
  }

  void checkQueueOrder(Op op) {
    List<TaskId> expected = tasks.stream().filter(m -> m.state == TaskState.QUEUED)
        .sorted(Comparator.comparing((TaskModel x) -> x.task.priority()).thenComparingLong(x -> x.seq))
        .map(m -> m.task.id()).toList();
    List<TaskId> actual = dispatcher.queue().stream().map(TaskStatus::id).toList();
    assertEquals(expected, actual, () -> "queue order after " + op);
  }

  /**
   * Every submitted task is in exactly one place, every live task is counted by exactly one
   * registered machine, reservations add up, and no task has two results.
   */
  void checkBookkeeping(Op op, List<MachineStatus> machines) {
    Supplier<String> ctx = () -> " after " + op;
    Map<MachineId, Integer> active = new HashMap<>();
    Set<TaskId> waiting = new HashSet<>();
    int live = 0;
    for (TaskModel m : tasks) {
      TaskStatus st = dispatcher.status(m.task.id()).orElseThrow(() -> new AssertionError("lost " + m + ctx.get()));
      assertEquals(m.state, st.state(), () -> "state of " + m + ctx.get());
      assertEquals(m.attempt, st.attempt(), () -> "attempt of " + m + ctx.get());
      assertTrue(m.attempt <= m.task.maxAttempts(), () -> "dispatched more often than maxAttempts: " + m + ctx.get());
      assertTrue(m.acceptedResults <= 1, () -> "two results accepted for " + m + ctx.get());
      switch (m.state) {
        case QUEUED -> {
          assertTrue(waiting.add(m.task.id()));
          assertFalse(m.reserved);
        }
        case DISPATCHED, RUNNING -> {
          live++;
          assertEquals(Optional.of(m.machine), st.machine(), () -> "machine of " + m + ctx.get());
          active.merge(m.machine, 1, Integer::sum);
          assertEquals(0, m.acceptedResults);
        }
        case SUCCEEDED -> {
          assertEquals(1, m.acceptedResults, () -> m + ctx.get());
          assertEquals(Optional.of(m.result), st.result(), () -> m + ctx.get());
        }
        case FAILED -> {
          if (m.acceptedResults == 1) {
            assertEquals(Optional.of(m.result), st.result(), () -> m + ctx.get());
          } else {
            // Dead-lettered: its machine left on its last allowed attempt.
            assertEquals(Optional.empty(), st.result(), () -> m + ctx.get());
            assertEquals(m.task.maxAttempts(), m.attempt, () -> "failed without a result before its last attempt: " + m + ctx.get());
          }
        }
        case CANCELLED, REJECTED -> assertEquals(0, m.acceptedResults, () -> m + ctx.get());
      }
      if (!m.live()) {
        assertFalse(m.reserved, () -> m + ctx.get());
      }
    }
    List<TaskId> queue = dispatcher.queue().stream().map(TaskStatus::id).toList();
    assertEquals(queue.size(), new HashSet<>(queue).size(), () -> "a task is in the queue twice" + ctx.get());
    assertEquals(waiting, new HashSet<>(queue), () -> "queue() and the tasks in state QUEUED" + ctx.get());
    int sum = 0;
    Set<MachineId> registered = new HashSet<>();
    for (View v : views(machines)) {
      registered.add(v.id());
      MachineStatus s = v.status();
      sum += s.activeTasks();
      assertEquals(active.getOrDefault(s.id(), 0), s.activeTasks(), () -> "activeTasks of " + s.id() + ctx.get());
      assertEquals(v.effective(), s.effectiveLoad(),
          () -> "effectiveLoad of " + s.id() + " is not reported load " + s.load() + " + reserved "
              + v.reservedMicros() + "u" + ctx.get());
    }
    assertTrue(registered.containsAll(active.keySet()), () -> "a live task is on an unregistered machine" + ctx.get());
    assertEquals(live, sum, () -> "sum of activeTasks vs dispatched+running tasks" + ctx.get());
  }
}
