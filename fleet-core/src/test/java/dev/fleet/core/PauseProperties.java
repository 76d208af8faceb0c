package dev.fleet.core;

import dev.fleet.Assignment;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.OwnerReturnPolicy;
import dev.fleet.Priority;
import dev.fleet.Signals;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * Random owner comings and goings, silences, starts, results, cancellations and time against background work
 * that pauses: paused work never runs while its machine's owner is active, is never lost or doubled, its
 * machine's agent always knows whether it is paused, and no load is left counted once everything ended.
 */
class PauseProperties {
  private static final List<MachineId> MACHINES = List.of(MachineId.of("laptop"), MachineId.of("desk"));
  private static final double PER_TASK = 0.1;

  sealed interface Op permits Beat, Advance, Start, Finish, Cancel {}

  /** A heartbeat; idle minutes -1 for no owner signal. */
  record Beat(int machine, int idleMinutes, double load) implements Op {}

  record Advance(int seconds) implements Op {}

  record Start(int task) implements Op {}

  record Finish(int task) implements Op {}

  record Cancel(int task) implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> beat = Combinators.combine(Arbitraries.integers().between(0, 1),
        Arbitraries.of(-1, 0, 1, 5, 9, 10, 15), Arbitraries.of(0.0, 0.2, 0.5)).as(Beat::new);
    Arbitrary<Op> advance = Arbitraries.of(1, 5, 20, 40, 90).map(Advance::new);
    Arbitrary<Integer> task = Arbitraries.integers().between(0, 3);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, beat),
        net.jqwik.api.Tuple.of(3, advance),
        net.jqwik.api.Tuple.of(3, task.map(Start::new)),
        net.jqwik.api.Tuple.of(1, task.map(Finish::new)),
        net.jqwik.api.Tuple.of(1, task.map(Cancel::new)));
    return op.list().ofMinSize(1).ofMaxSize(60);
  }

  @Provide
  Arbitrary<List<OwnerReturnPolicy>> policies() {
    return Arbitraries.of(OwnerReturnPolicy.PAUSE, OwnerReturnPolicy.pause(Duration.ofMinutes(2)),
        OwnerReturnPolicy.MOVE).list().ofSize(4);
  }

  /** What one machine's agent holds: attempts it was given and not told to stop, and which of them are paused. */
  static final class AgentView {
    final Map<TaskId, Assignment> live = new HashMap<>();
    final Map<TaskId, Boolean> paused = new HashMap<>();
  }

  @Property(tries = 300)
  void pausedBackgroundWorkNeverRunsWhileTheOwnerIsActiveAndIsNeverLostOrDoubled(
      @ForAll("ops") List<Op> ops, @ForAll("policies") List<OwnerReturnPolicy> policies) {
    InProcessTransport transport = new InProcessTransport();
    Map<MachineId, AgentView> agents = new HashMap<>();
    List<String> trace = new ArrayList<>();
    try (TestFleet t = new TestFleet(b -> b.transport(transport).loadPerTask(PER_TASK))) {
      for (MachineId m : MACHINES) {
        AgentView view = new AgentView();
        agents.put(m, view);
        transport.connect(m, new InProcessTransport.Agent() {
          @Override
          public void assigned(Assignment a) {
            for (AgentView other : agents.values()) {
              if (other.live.containsKey(a.task().id())) {
                throw new AssertionError("doubled: " + a + " while " + other.live.get(a.task().id()) + " runs; " + trace);
              }
            }
            view.live.put(a.task().id(), a);
            view.paused.put(a.task().id(), false);
          }

          @Override
          public void withdrawn(Assignment a, String reason) {
            view.live.remove(a.task().id(), a);
            view.paused.remove(a.task().id());
          }

          @Override
          public void paused(Assignment a, String reason) {
            check(view.live.get(a.task().id()), a, "pause");
            view.paused.put(a.task().id(), true);
          }

          @Override
          public void resumed(Assignment a, String reason) {
            check(view.live.get(a.task().id()), a, "resume");
            view.paused.put(a.task().id(), false);
          }

          private void check(Assignment held, Assignment a, String what) {
            if (!a.equals(held)) {
              throw new AssertionError(what + " of " + a + " which this machine does not hold (" + held + "); " + trace);
            }
          }
        });
        t.fleet.registry().register(TestFleet.machine(m.value(), "r", "x"));
      }
      List<Task> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Task task = Task.newBuilder("bg" + i).requires("x").priority(Priority.BACKGROUND)
            .onOwnerReturn(policies.get(i)).maxAttempts(1000).build();
        tasks.add(task);
        t.fleet.dispatcher().submit(task);
      }
      Map<MachineId, Long> seq = new HashMap<>();
      for (Op op : ops) {
        trace.add(op.toString());
        if (op instanceof Beat b) {
          MachineId m = MACHINES.get(b.machine());
          Signals s = new Signals(false, OptionalInt.empty(), false,
              b.idleMinutes() < 0 ? Optional.empty() : Optional.of(Duration.ofMinutes(b.idleMinutes())), Map.of());
          t.fleet.monitor().heartbeat(new Heartbeat(m, seq.merge(m, 1L, Long::sum), b.load(), s));
        } else if (op instanceof Advance a) {
          t.advance(Duration.ofSeconds(a.seconds()));
        } else if (op instanceof Start st) {
          held(agents, tasks.get(st.task()).id()).ifPresent(a -> {
            try {
              t.fleet.dispatcher().started(a.task().id(), a.token());
            } catch (StaleAttemptException e) {
              throw new AssertionError("the attempt its machine holds was refused: " + e.getMessage() + "; " + trace);
            }
          });
        } else if (op instanceof Finish f) {
          held(agents, tasks.get(f.task()).id()).ifPresent(a -> {
            t.fleet.dispatcher().complete(a.task().id(), a.token(), TaskResult.success());
            agents.get(a.machine()).live.remove(a.task().id());
            agents.get(a.machine()).paused.remove(a.task().id());
          });
        } else if (op instanceof Cancel c) {
          t.fleet.dispatcher().cancel(tasks.get(c.task()).id());
        }
        checkInvariants(t, tasks, agents, trace);
      }
      // Everything ends: no load may stay counted anywhere.
      for (Task task : tasks) {
        t.fleet.dispatcher().cancel(task.id());
      }
      for (MachineId m : MACHINES) {
        t.fleet.monitor().heartbeat(new Heartbeat(m, seq.merge(m, 1L, Long::sum), 0.0, Signals.NONE));
        MachineStatus ms = t.fleet.registry().get(m).orElseThrow();
        if (Math.abs(ms.effectiveLoad()) > 1e-9 || ms.activeTasks() != 0) {
          throw new AssertionError("left over on " + m + ": " + ms + "; " + trace);
        }
        if (!agents.get(m).live.isEmpty()) {
          throw new AssertionError(m + " was never told to stop " + agents.get(m).live.keySet() + "; " + trace);
        }
      }
    }
  }

  private static Optional<Assignment> held(Map<MachineId, AgentView> agents, TaskId id) {
    for (AgentView v : agents.values()) {
      Assignment a = v.live.get(id);
      if (a != null) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  private static void checkInvariants(TestFleet t, List<Task> tasks, Map<MachineId, AgentView> agents,
      List<String> trace) {
    Map<MachineId, Integer> onMachine = new HashMap<>();
    Map<MachineId, Integer> counted = new HashMap<>();
    for (Task task : tasks) {
      TaskStatus st = t.fleet.dispatcher().status(task.id())
          .orElseThrow(() -> new AssertionError("lost " + task.id() + "; " + trace));
      Optional<Assignment> held = held(agents, task.id());
      boolean onIt = st.state() == TaskState.DISPATCHED || st.state() == TaskState.RUNNING
          || st.state() == TaskState.PAUSED;
      if (onIt) {
        MachineId m = st.machine().orElseThrow();
        Assignment a = held.orElseThrow(() -> new AssertionError(task.id() + " is " + st.state() + " on " + m
            + " but no machine holds it; " + trace));
        if (!a.machine().equals(m) || a.attempt() != st.attempt()) {
          throw new AssertionError(task.id() + " is attempt " + st.attempt() + " on " + m + " but " + a
              + " is held; " + trace);
        }
        boolean agentPaused = agents.get(m).paused.get(task.id());
        if (agentPaused != (st.state() == TaskState.PAUSED)) {
          throw new AssertionError(task.id() + " is " + st.state() + " but its machine thinks it "
              + (agentPaused ? "paused" : "running") + "; " + trace);
        }
        onMachine.merge(m, 1, Integer::sum);
        if (st.state() != TaskState.PAUSED) {
          counted.merge(m, 1, Integer::sum);
        }
        MachineStatus ms = t.fleet.registry().get(m).orElseThrow();
        boolean ownerActive = ms.signals().ownerIdle().map(d -> d.compareTo(Duration.ofMinutes(10)) < 0).orElse(false);
        boolean live = ms.health() == Health.ONLINE || ms.health() == Health.DRAINING;
        if (st.state() != TaskState.PAUSED && ownerActive) {
          throw new AssertionError(task.id() + " is " + st.state() + " on " + m + " whose owner is active ("
              + ms.signals().ownerIdle().orElseThrow() + " idle); " + trace);
        }
        if (st.state() == TaskState.PAUSED && !ownerActive && live) {
          throw new AssertionError(task.id() + " is still paused on " + m + " whose owner is away; " + trace);
        }
        if (st.state() == TaskState.PAUSED && task.onOwnerReturn().equals(OwnerReturnPolicy.MOVE)) {
          throw new AssertionError(task.id() + " paused but its policy moves it; " + trace);
        }
      } else if (held.isPresent()) {
        throw new AssertionError(task.id() + " is " + st.state() + " but " + held.get() + " still runs; " + trace);
      }
    }
    for (MachineId m : MACHINES) {
      MachineStatus ms = t.fleet.registry().get(m).orElseThrow();
      if (ms.activeTasks() != onMachine.getOrDefault(m, 0)) {
        throw new AssertionError(m + " counts " + ms.activeTasks() + " tasks, " + onMachine.getOrDefault(m, 0)
            + " are there; " + trace);
      }
      double reserved = ms.effectiveLoad() - ms.load();
      if (reserved < -1e-9 || reserved > PER_TASK * counted.getOrDefault(m, 0) + 1e-9) {
        throw new AssertionError(m + " reserves " + reserved + " for " + counted.getOrDefault(m, 0)
            + " unpaused tasks; " + trace);
      }
    }
  }
}
