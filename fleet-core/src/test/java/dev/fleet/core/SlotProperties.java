package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Priority;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.Weight;
import dev.fleet.spi.Transport;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import dev.fleet.testing.MemoryJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Slots as a property over random runs: machines of 1 to 4 slots, and random interleavings of submissions,
 * starts, results, failures, cancellations, moves by request, machines going silent and coming back, drains,
 * more slots, time, preemption and restarts from the journal. After every step no machine has more attempts in
 * flight than its slots, counted three ways: by the fleet, from the tasks, and from what its agent was told.
 */
class SlotProperties {
  private static final int MACHINES = 4;

  /** One step; {@code a} and {@code b} pick a task, machine, load or duration as each kind needs. */
  record Op(Kind kind, int a, int b) {}

  enum Kind { SUBMIT, START, SUCCEED, FAIL, CANCEL, REROUTE, SILENCE, BEAT, DRAIN, UNDRAIN, MORE_SLOTS, ADVANCE, RESTART }

  @Property(tries = 300)
  void attemptsInFlightNeverExceedSlots(@ForAll @Size(min = 1, max = MACHINES) List<@IntRange(min = 1, max = 4) Integer> slots,
      @ForAll("operations") List<Op> ops, @ForAll boolean preempt) {
    Run run = new Run(slots, preempt);
    try {
      for (Op op : ops) {
        run.step(op);
        run.check(op);
      }
      Statistics.label("tasks dispatched").collect(run.dispatches > 20 ? ">20" : run.dispatches > 5 ? "6-20" : "0-5");
      Statistics.label("a full machine turned work away").collect(run.sawFull);
    } finally {
      run.fleet.close();
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Kind> kinds = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(18, Kind.SUBMIT), net.jqwik.api.Tuple.of(8, Kind.START),
        net.jqwik.api.Tuple.of(6, Kind.SUCCEED), net.jqwik.api.Tuple.of(3, Kind.FAIL),
        net.jqwik.api.Tuple.of(2, Kind.CANCEL), net.jqwik.api.Tuple.of(3, Kind.REROUTE),
        net.jqwik.api.Tuple.of(3, Kind.SILENCE), net.jqwik.api.Tuple.of(6, Kind.BEAT),
        net.jqwik.api.Tuple.of(2, Kind.DRAIN), net.jqwik.api.Tuple.of(2, Kind.UNDRAIN),
        net.jqwik.api.Tuple.of(1, Kind.MORE_SLOTS), net.jqwik.api.Tuple.of(5, Kind.ADVANCE),
        net.jqwik.api.Tuple.of(2, Kind.RESTART));
    Arbitrary<Op> op = net.jqwik.api.Combinators.combine(kinds, Arbitraries.integers().between(0, 1000),
        Arbitraries.integers().between(0, 1000)).as(Op::new);
    return op.list().ofMinSize(20).ofMaxSize(150);
  }

  /** A journaled fleet on hand-driven time, and what each machine's agent was told. */
  static final class Run implements Transport {
    final FakeTicker ticker = new FakeTicker(5_000_000_000L);
    final List<MachineId> machines = new ArrayList<>();
    final Map<MachineId, Integer> slots = new HashMap<>();
    final List<TaskId> tasks = new ArrayList<>();
    final Set<MachineId> silent = new HashSet<>();
    final boolean preempt;
    MemoryJournal journal = new MemoryJournal();
    ManualScheduler scheduler;
    Fleet fleet;
    long sequence;
    int dispatches;
    boolean sawFull;
    /** Per machine, the attempts (by token) its agent was handed and not yet told to drop or seen finish. */
    final Map<MachineId, Map<Long, TaskId>> told = new HashMap<>();
    final Map<TaskId, Long> tokens = new HashMap<>();

    Run(List<Integer> slotCounts, boolean preempt) {
      this.preempt = preempt;
      open();
      for (int i = 0; i < slotCounts.size(); i++) {
        MachineId id = MachineId.of("m" + i);
        machines.add(id);
        slots.put(id, slotCounts.get(i));
        fleet.registry().register(TestFleet.machine(id.value(), i % 2 == 0 ? "even" : "odd", "x")
            .withSlots(slotCounts.get(i)));
      }
    }

    private void open() {
      scheduler = new ManualScheduler(ticker);
      told.clear();
      FleetBuilder b = Fleets.newBuilder().ticker(ticker).scheduler(scheduler).eventExecutor(Runnable::run)
          .transport(this).journal(journal);
      if (preempt) {
        b.preemption(3);
      }
      fleet = b.build();
    }

    @Override
    public synchronized void deliver(Assignment a) {
      told.computeIfAbsent(a.machine(), m -> new LinkedHashMap<>()).put(a.token(), a.task().id());
      tokens.put(a.task().id(), a.token());
      dispatches++;
    }

    @Override
    public synchronized void withdraw(Assignment a, String reason) {
      Map<Long, TaskId> on = told.get(a.machine());
      if (on != null) {
        on.remove(a.token());
      }
    }

    private synchronized void finished(TaskId id, long token) {
      told.values().forEach(on -> on.remove(token));
    }

    void step(Op op) {
      MachineId m = machines.get(op.a() % machines.size());
      TaskId t = tasks.isEmpty() ? null : tasks.get(op.a() % tasks.size());
      try {
        switch (op.kind()) {
          case SUBMIT -> submit(op);
          case START -> {
            if (t != null && tokens.containsKey(t)) {
              fleet.dispatcher().started(t, tokens.get(t));
            }
          }
          case SUCCEED, FAIL -> {
            if (t != null && tokens.containsKey(t)) {
              long token = tokens.get(t);
              fleet.dispatcher().complete(t, token,
                  op.kind() == Kind.SUCCEED ? TaskResult.success() : TaskResult.failure("exit 1"));
              finished(t, token);
            }
          }
          case CANCEL -> {
            if (t != null) {
              fleet.dispatcher().cancel(t);
            }
          }
          case REROUTE -> {
            if (t != null) {
              fleet.dispatcher().reroute(t, machines.get(op.b() % machines.size()));
            }
          }
          case SILENCE -> silent.add(m);
          case BEAT -> {
            silent.remove(m);
            fleet.monitor().heartbeat(Heartbeat.of(m, ++sequence, (op.b() % 100) / 100.0));
          }
          case DRAIN -> fleet.registry().drain(m, Duration.ofSeconds(op.b() % 20));
          case UNDRAIN -> fleet.registry().undrain(m);
          case MORE_SLOTS -> {
            int more = Math.min(4, slots.get(m) + 1);
            slots.put(m, more);
            fleet.registry().update(fleet.registry().get(m).orElseThrow().machine().withSlots(more));
          }
          case ADVANCE -> {
            for (int s = 0; s <= op.b() % 40; s++) {
              for (MachineId x : machines) {
                if (!silent.contains(x)) {
                  fleet.monitor().heartbeat(Heartbeat.of(x, ++sequence, 0.1));
                }
              }
              scheduler.advance(Duration.ofSeconds(1));
            }
          }
          case RESTART -> restart();
        }
      } catch (IllegalStateException | dev.fleet.FleetException expected) {
        // Refusals (stale tokens, finished tasks, full or offline machines) are part of the workload.
      }
    }

    private void submit(Op op) {
      Task task = Task.newBuilder("t" + tasks.size()).requires("x")
          .priority(Priority.values()[op.a() % Priority.values().length])
          .weight(Weight.values()[op.b() % Weight.values().length])
          .maxAttempts(1 + op.b() % 3)
          .reschedule(ReschedulePolicy.constant(Duration.ofSeconds(op.b() % 2)))
          .build();
      tasks.add(task.id());
      fleet.dispatcher().submit(task);
    }

    /** A crash and a restart from the journal: the attempts in flight on each machine are the same afterwards. */
    private void restart() {
      Map<MachineId, Integer> before = active();
      fleet.close();
      journal = journal.crash();
      open();
      assertEquals(before, active(), "attempts in flight per machine after a replay");
    }

    private Map<MachineId, Integer> active() {
      Map<MachineId, Integer> out = new LinkedHashMap<>();
      for (MachineStatus s : fleet.registry().list()) {
        out.put(s.id(), s.activeTasks());
      }
      return out;
    }

    void check(Op op) {
      Map<MachineId, Integer> fromTasks = new HashMap<>();
      for (TaskId id : tasks) {
        TaskStatus s = fleet.dispatcher().status(id).orElse(null);
        if (s != null && (s.state() == TaskState.DISPATCHED || s.state() == TaskState.RUNNING
            || s.state() == TaskState.PAUSED)) {
          fromTasks.merge(s.machine().orElseThrow(), 1, Integer::sum);
        }
      }
      for (MachineStatus s : fleet.registry().list()) {
        int max = slots.get(s.id());
        String where = s.id() + " (" + max + " slots) after " + op;
        assertEquals(max, s.machine().slots().orElseThrow(), where);
        assertTrue(s.activeTasks() <= max, s.activeTasks() + " attempts in flight on " + where);
        assertEquals(fromTasks.getOrDefault(s.id(), 0), s.activeTasks(), "attempts counted from the tasks on " + where);
        int agentHolds = told.getOrDefault(s.id(), Map.of()).size();
        assertTrue(agentHolds <= max, "the agent of " + where + " was handed " + agentHolds + " attempts");
        assertEquals(s.activeTasks(), agentHolds, "attempts its agent holds on " + where);
        if (s.activeTasks() == max) {
          sawFull |= fleet.dispatcher().queue().stream().anyMatch(q -> q.why().summary().contains("slots full"));
        }
      }
    }
  }
}
