package dev.fleet.testing.sim;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.FleetListener;
import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One run of a {@link FleetSimulator}: the fleet, its agents and transport on one virtual clock, the fault
 * schedule and workload played against them, and the recorder that listens to every event.
 *
 * <p>Not thread-safe: everything happens on the thread that called {@link #execute()}, in the order of the
 * shared {@link ManualScheduler}, which is what makes a seed reproduce its run.
 */
final class SimRun implements FleetListener {
  /** The ticker's reading when a run starts; not zero, to catch code that takes ticker time for uptime. */
  static final long START_NANOS = 1_000_000_000_000L;
  private static final Duration SETTLE_STEP = Duration.ofSeconds(10);

  /** What a submitted task will do when it runs, drawn at submission. */
  record TaskPlan(long runNanos, boolean fails, long slowNanos, boolean resent) {}

  /** Where a task is, as the events tell it. */
  private record Track(TaskState state, MachineId machine) {}

  /** A crash being followed: the verdict, the restart, and its work running again. */
  private static final class CrashTracker {
    final MachineId machine;
    final long crashedAt;
    long detectedAt = -1;
    long restartedAt = -1;
    final List<TaskId> work;
    final Map<TaskId, Long> again = new LinkedHashMap<>();

    CrashTracker(MachineId machine, long crashedAt, List<TaskId> work) {
      this.machine = machine;
      this.crashedAt = crashedAt;
      this.work = work;
    }

    SimulationResult.CrashRecord record() {
      return new SimulationResult.CrashRecord(machine, crashedAt,
          detectedAt < 0 ? OptionalLong.empty() : OptionalLong.of(detectedAt),
          restartedAt < 0 ? OptionalLong.empty() : OptionalLong.of(restartedAt), work, again);
    }
  }

  private final FleetSimulator sim;
  final FakeTicker ticker = new FakeTicker(START_NANOS);
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final long intervalNanos;
  final long jitterNanos;
  final Duration latency;
  final SimTransport transport = new SimTransport(this);
  Fleet fleet;
  private final SimAgent[] agents;
  private final Map<MachineId, SimAgent> agentsById = new HashMap<>();
  private final SplittableRandom workloadRandom;
  private final FaultSchedule faults;

  boolean announcingSleep;
  int staleReports;
  int undelivered;
  int ignoredHeartbeats;
  private final List<FleetEvent> events = new ArrayList<>();
  private final Map<TaskId, TaskPlan> plans = new LinkedHashMap<>();
  private final Set<TaskId> plannedFailures = new LinkedHashSet<>();
  private final List<SimulationResult.AcceptedResult> accepted = new ArrayList<>();
  private final Map<TaskId, Track> tracks = new HashMap<>();
  private final Map<MachineId, LinkedHashSet<TaskId>> activeOn = new HashMap<>();
  private final List<CrashTracker> crashes = new ArrayList<>();
  private final CrashTracker[] openCrash;
  private final Map<TaskId, List<CrashTracker>> watchers = new HashMap<>();
  private final List<SimulationResult.FalseVerdict> falseVerdicts = new ArrayList<>();
  private final Set<TaskId> unfinished = new java.util.HashSet<>();
  private boolean submitting = true;
  private long runEnd;
  private int submitted;

  SimRun(FleetSimulator sim) {
    this.sim = sim;
    this.intervalNanos = sim.interval.toNanos();
    this.jitterNanos = sim.jitter.toNanos();
    this.latency = sim.latency;
    SplittableRandom root = new SplittableRandom(sim.seed);
    SplittableRandom pauseRandom = root.split();
    this.workloadRandom = root.split();
    this.faults = sim.faults.plus(drawPauses(pauseRandom));
    this.agents = new SimAgent[sim.machines];
    this.openCrash = new CrashTracker[sim.machines];
    for (int i = 0; i < sim.machines; i++) {
      boolean laptop = i >= sim.machines - sim.laptops;
      agents[i] = new SimAgent(i, FleetSimulator.machineId(i), this, root.split(), laptop);
      agentsById.put(agents[i].id, agents[i]);
      activeOn.put(agents[i].id, new LinkedHashSet<>());
    }
  }

  long now() {
    return ticker.read();
  }

  TaskPlan plan(TaskId id) {
    return plans.get(id);
  }

  void accepted(Assignment a, TaskResult result) {
    accepted.add(new SimulationResult.AcceptedResult(a.task().id(), a.machine(), a.attempt(), now(),
        result.succeeded()));
  }

  SimulationResult execute() {
    fleet = sim.factory.create(ticker, scheduler, transport, Runnable::run);
    if (!fleet.monitor().interval().equals(sim.interval)) {
      fleet.close();
      throw new IllegalStateException("the fleet expects heartbeats every " + fleet.monitor().interval()
          + " but the simulated agents send them every " + sim.interval + "; build it with heartbeatInterval("
          + sim.interval + ")");
    }
    long start = now();
    runEnd = start + sim.duration.toNanos();
    try {
      fleet.subscribe(this); // closing the fleet at the end ends the subscription
      for (SimAgent a : agents) {
        transport.connect(a);
        fleet.registry().register(machine(a.index));
        a.join(start);
      }
      for (Fault f : faults.faults()) {
        if (f.at().compareTo(sim.duration) < 0) {
          scheduler.schedule(() -> apply(f), f.at());
        }
      }
      scheduleNextSubmission();
      scheduler.advance(sim.duration);

      submitting = false;
      double machineHours = 0;
      for (SimAgent a : agents) {
        machineHours += a.aliveUntil(runEnd) / 3.6e12;
      }
      settle();
      long settleBy = runEnd + sim.settleLimit.toNanos();
      while (!unfinished.isEmpty() && now() < settleBy) {
        scheduler.advance(Duration.ofNanos(Math.min(SETTLE_STEP.toNanos(), settleBy - now())));
      }
      long end = now();
      Map<TaskId, TaskStatus> finals = new LinkedHashMap<>();
      for (TaskId id : plans.keySet()) {
        finals.put(id, fleet.dispatcher().status(id).orElseThrow(
            () -> new IllegalStateException("the fleet has no status for submitted task " + id)));
      }
      List<MachineId> ids = new ArrayList<>();
      for (SimAgent a : agents) {
        ids.add(a.id);
      }
      return new SimulationResult(sim.seed, ids, sim.interval, start, runEnd, end, faults, events, finals,
          plannedFailures, accepted, crashes.stream().map(CrashTracker::record).toList(), falseVerdicts,
          machineHours, staleReports, undelivered, ignoredHeartbeats);
    } finally {
      fleet.close();
    }
  }

  private Machine machine(int i) {
    Set<String> caps = new LinkedHashSet<>(List.of("cpu"));
    if (i % 3 == 0) {
      caps.add("gpu");
    }
    Map<String, String> labels = i >= sim.machines - sim.laptops ? Map.of(Machine.LABEL_FORM, "laptop") : Map.of();
    MachineId id = FleetSimulator.machineId(i);
    return new Machine(id, id + ".sim", "worker", caps, Specs.NONE, labels);
  }

  /** Faults stop; every agent is reconnected, woken, restarted and undrained so its work can finish. */
  private void settle() {
    for (SimAgent a : agents) {
      a.reconnect();
      a.wake();
      if (a.crashed()) {
        restart(a);
      }
    }
    Set<Integer> drained = new LinkedHashSet<>();
    for (Fault.Drain d : faults.ofType(Fault.Drain.class)) {
      drained.add(d.machine());
    }
    for (int m : drained) {
      fleet.registry().undrain(agents[m].id);
    }
  }

  // ------------------------------------------------------------------ faults

  private List<Fault> drawPauses(SplittableRandom random) {
    List<Fault> pauses = new ArrayList<>();
    PauseModel model = sim.pauses;
    if (!model.pauses()) {
      return pauses;
    }
    double perNano = model.perMachineHour() / 3.6e12;
    long length = sim.duration.toNanos();
    long shortest = model.shortest().toNanos();
    long longest = model.longest().toNanos();
    for (int m = 0; m < sim.machines; m++) {
      double t = 0;
      while (true) {
        t += -Math.log(1 - random.nextDouble()) / perNano;
        if (t >= length) {
          break;
        }
        long d = shortest == longest ? longest : random.nextLong(shortest, longest + 1);
        if (d > 0) {
          pauses.add(new Fault.Pause(m, Duration.ofNanos((long) t), Duration.ofNanos(d)));
        }
        t += d; // the next pause starts after this one ends: two never merge into one longer than the model's
      }
    }
    return pauses;
  }

  private void apply(Fault f) {
    SimAgent a = agents[f.machine()];
    if (f instanceof Fault.Crash) {
      if (!a.crashed()) {
        CrashTracker c = new CrashTracker(a.id, now(), List.copyOf(activeOn.get(a.id)));
        crashes.add(c);
        openCrash[a.index] = c;
        for (TaskId t : c.work) {
          watchers.computeIfAbsent(t, k -> new ArrayList<>(1)).add(c);
        }
        a.crash();
      }
    } else if (f instanceof Fault.Restart) {
      restart(a);
    } else if (f instanceof Fault.Sleep s) {
      a.freeze(s.duration(), true, s.announced());
    } else if (f instanceof Fault.Partition p) {
      a.partition(p.duration(), p.reportsLost());
    } else if (f instanceof Fault.Pause p) {
      a.freeze(p.duration(), false, false);
    } else if (f instanceof Fault.Drain d) {
      fleet.registry().drain(a.id, d.deadline());
    }
  }

  private void restart(SimAgent a) {
    CrashTracker open = openCrash[a.index];
    if (open != null && a.crashed()) {
      open.restartedAt = now();
      openCrash[a.index] = null;
    }
    a.restart();
  }

  // ------------------------------------------------------------------ workload

  private void scheduleNextSubmission() {
    double perMinute = sim.workload.tasksPerMinute();
    if (perMinute <= 0) {
      return;
    }
    double gapNanos = -Math.log(1 - workloadRandom.nextDouble()) / perMinute * 60e9;
    if (now() + gapNanos < runEnd) {
      scheduler.schedule(this::submitOne, Duration.ofNanos(Math.max(1, (long) gapNanos)));
    }
  }

  private void submitOne() {
    if (!submitting) {
      return;
    }
    Workload w = sim.workload;
    SplittableRandom r = workloadRandom;
    // Every draw is made whatever the outcome, so the stream, and the next task, never depend on the fleet.
    long shortest = w.shortest().toNanos();
    long runNanos = shortest + (long) (r.nextDouble() * (w.longest().toNanos() - shortest));
    Priority priority = Priority.values()[r.nextInt(Priority.values().length)];
    boolean gpu = r.nextDouble() < w.gpuShare();
    boolean fails = r.nextDouble() < w.failShare();
    boolean slow = r.nextDouble() < w.slowShare();
    long slowNanos = (long) (r.nextDouble() * w.slowest().toNanos());
    boolean resent = r.nextBoolean();
    boolean deadline = r.nextDouble() < w.deadlineShare();
    boolean cancel = r.nextDouble() < w.cancelShare();
    long cancelAfter = 1 + (long) (r.nextDouble() * w.longest().toNanos());

    TaskId id = TaskId.of(String.format(java.util.Locale.ROOT, "t%06d", ++submitted));
    Task.Builder b = Task.newBuilder(id.value()).requires(gpu ? "gpu" : "cpu").priority(priority)
        .maxAttempts(w.maxAttempts()).reschedule(w.reschedule());
    if (deadline) {
      b.deadline(w.deadline());
    }
    plans.put(id, new TaskPlan(runNanos, fails, slow ? slowNanos : 0, slow && resent));
    if (fails) {
      plannedFailures.add(id);
    }
    unfinished.add(id);
    fleet.dispatcher().submit(b.build());
    if (cancel) {
      scheduler.schedule(() -> fleet.dispatcher().cancel(id), Duration.ofNanos(cancelAfter));
    }
    scheduleNextSubmission();
  }

  // ------------------------------------------------------------------ recorder

  @Override
  public void onEvent(FleetEvent e) {
    events.add(e);
    if (e instanceof FleetEvent.HealthChanged h) {
      boolean down = h.to() == Health.OFFLINE || (h.to() == Health.ASLEEP && !announcingSleep);
      if (down) {
        verdict(h);
      }
    } else if (e instanceof FleetEvent.TaskChanged t) {
      track(t);
    }
  }

  private void verdict(FleetEvent.HealthChanged h) {
    SimAgent a = agentsById.get(h.machine());
    if (a == null) {
      return;
    }
    if (a.crashed() || a.asleep() || a.partitioned()) {
      CrashTracker c = openCrash[a.index];
      if (c != null && c.detectedAt < 0) {
        c.detectedAt = h.atNanos();
      }
      return;
    }
    falseVerdicts.add(new SimulationResult.FalseVerdict(h.machine(), h.to(), h.atNanos(), a.condition()));
  }

  private void track(FleetEvent.TaskChanged t) {
    Track before = tracks.get(t.task());
    if (before != null && before.machine != null) {
      activeOn.get(before.machine).remove(t.task());
    }
    boolean active = t.to() == TaskState.DISPATCHED || t.to() == TaskState.RUNNING || t.to() == TaskState.PAUSED;
    MachineId on = active ? t.machine().orElse(null) : null;
    if (on != null && activeOn.containsKey(on)) {
      activeOn.get(on).add(t.task());
    }
    tracks.put(t.task(), new Track(t.to(), on));
    if (t.to().isFinal()) {
      unfinished.remove(t.task());
      watchers.remove(t.task());
      return;
    }
    if (t.to() == TaskState.RUNNING) {
      List<CrashTracker> watching = watchers.get(t.task());
      if (watching == null) {
        return;
      }
      MachineId m = t.machine().orElse(null);
      watching.removeIf(c -> {
        if (!c.machine.equals(m) || c.restartedAt >= 0) {
          c.again.put(t.task(), t.atNanos());
          return true;
        }
        return false;
      });
      if (watching.isEmpty()) {
        watchers.remove(t.task());
      }
    }
  }
}
