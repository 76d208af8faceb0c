package dev.fleet.core;

import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.Signals;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.Weight;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class PolicyProperties {

  record Reading(boolean onBattery, int percent) {}

  @Provide
  Arbitrary<List<Reading>> noisyPower() {
    Arbitrary<Reading> r = Combinators.combine(Arbitraries.of(true, false, false, false), Arbitraries.integers()
        .between(0, 100)).as(Reading::new);
    return r.list().ofMinSize(1).ofMaxSize(60);
  }

  /** Heavy work may run there: a one-machine fleet places a heavy task, or it does not. */
  private static boolean heavyAllowed(TestFleet t) {
    return t.fleet.dispatcher().plan(Task.newBuilder("h").requires("x").weight(Weight.HEAVY).build())
        instanceof Decision.Dispatched;
  }

  @Property(tries = 300)
  void batteryHysteresisNeverFlapsOnANoisyBatterySignal(@ForAll("noisyPower") List<Reading> readings) {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("laptop", "r", "x"));
      boolean allowed = heavyAllowed(t);
      long seq = 0;
      for (Reading r : readings) {
        t.fleet.monitor().heartbeat(new Heartbeat(MachineId.of("laptop"), ++seq, 0.0,
            new Signals(r.onBattery(), OptionalInt.of(r.percent()), false, Optional.empty(), Map.of())));
        boolean now = heavyAllowed(t);
        if (allowed && !now && !(r.onBattery() || r.percent() < 20)) {
          throw new AssertionError("heavy work stopped on AC at " + r.percent() + "% (stop is below 20%)");
        }
        if (!allowed && now && (r.onBattery() || r.percent() < 40)) {
          throw new AssertionError("heavy work resumed at " + r + " (resume needs AC and 40%)");
        }
        allowed = now;
      }
    }
  }

  @Property(tries = 200)
  void backgroundWorkIsNeverPlacedWhileTheOwnerIsActive(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = -1, max = 30) Integer> idleMinutes,
      @ForAll @IntRange(min = 1, max = 20) int tasks) {
    try (TestFleet t = new TestFleet()) {
      Map<MachineId, Integer> idle = new HashMap<>();
      for (int i = 0; i < idleMinutes.size(); i++) {
        MachineId id = MachineId.of("m" + i);
        t.fleet.registry().register(TestFleet.machine(id.value(), "r", "x"));
        int m = idleMinutes.get(i);
        idle.put(id, m);
        Signals s = new Signals(false, OptionalInt.empty(), false,
            m < 0 ? Optional.empty() : Optional.of(Duration.ofMinutes(m)), Map.of());
        t.fleet.monitor().heartbeat(new Heartbeat(id, 1, 0.0, s));
      }
      for (int i = 0; i < tasks; i++) {
        Decision d = t.fleet.dispatcher().submit(Task.newBuilder("b" + i).requires("x")
            .priority(Priority.BACKGROUND).build());
        if (d instanceof Decision.Dispatched x) {
          int m = idle.get(x.machine());
          if (m >= 0 && m < 10) {
            throw new AssertionError("background task placed on " + x.machine() + " whose owner was idle " + m + "min");
          }
        }
      }
    }
  }

  @Property(tries = 200)
  void preemptionOnlyEverEvictsWorkAtLeastTheGapLowerThanUrgent(
      @ForAll @Size(min = 1, max = 6) List<Priority> running, @ForAll @IntRange(min = 1, max = 4) int gap) {
    try (TestFleet t = new TestFleet(b -> b.preemption(gap).loadPerTask(0.15).loadCeiling(0.95))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      for (int i = 0; i < running.size(); i++) {
        Task task = Task.newBuilder("r" + i).requires("x").priority(running.get(i)).build();
        if (t.fleet.dispatcher().submit(task) instanceof Decision.Dispatched d) {
          t.fleet.dispatcher().started(task.id(), d.token());
        }
      }
      t.beat("a", 0.96);
      t.events.clear();
      t.fleet.dispatcher().submit(Task.newBuilder("fire").requires("x").priority(Priority.URGENT).build());
      for (FleetEvent.TaskChanged e : t.events(FleetEvent.TaskChanged.class)) {
        if (e.to() == TaskState.QUEUED && e.from() == TaskState.RUNNING) {
          Priority p = t.fleet.dispatcher().status(e.task()).orElseThrow().task().priority();
          if (p.ordinal() < gap) {
            throw new AssertionError(e.task() + " of priority " + p + " was preempted with gap " + gap);
          }
        }
      }
    }
  }

  @Property(tries = 100)
  void agingBoundsTheWaitOfALowTaskUnderAConstantUrgentStream(
      @ForAll @IntRange(min = 1, max = 10) int agingMinutes, @ForAll @IntRange(min = 5, max = 60) int tickSeconds) {
    Duration step = Duration.ofMinutes(agingMinutes);
    Duration tick = Duration.ofSeconds(tickSeconds);
    try (TestFleet t = new TestFleet(b -> b.agingStep(step).loadPerTask(0.8)
        .heartbeatInterval(Duration.ofHours(1)).suspectAfter(Duration.ofHours(2)).offlineAfter(Duration.ofHours(3)))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      Decision.Dispatched current = (Decision.Dispatched) t.fleet.dispatcher().submit(
          Task.newBuilder("u0").requires("x").priority(Priority.URGENT).build());
      t.fleet.dispatcher().submit(Task.newBuilder("low").requires("x").priority(Priority.LOW).build());
      long start = t.ticker.read();
      // Every tick a new urgent task arrives and the running one finishes; the machine fits one at a time.
      for (int i = 1; t.fleet.dispatcher().status(TaskId.of("low")).orElseThrow().state() == TaskState.QUEUED; i++) {
        t.ticker.advance(tick);
        t.fleet.dispatcher().submit(Task.newBuilder("u" + i).requires("x").priority(Priority.URGENT).build());
        t.fleet.dispatcher().complete(current.task().id(), current.token(), TaskResult.success());
        var next = t.fleet.dispatcher().queue();
        var running = t.fleet.dispatcher().status(TaskId.of("u" + i)).orElseThrow();
        if (running.state() == TaskState.DISPATCHED) {
          current = (Decision.Dispatched) t.fleet.dispatcher().submit(running.task());
        } else {
          break;
        }
        if (next.size() > 1000) {
          throw new AssertionError("runaway queue");
        }
      }
      long waited = t.ticker.read() - start;
      long bound = step.multipliedBy(Priority.LOW.ordinal()).plus(tick).toNanos();
      if (waited > bound) {
        throw new AssertionError("low task waited " + waited / 1e9 + "s; bound " + bound / 1e9 + "s");
      }
    }
  }
}
