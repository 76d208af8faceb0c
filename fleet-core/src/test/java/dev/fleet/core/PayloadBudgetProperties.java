package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.PayloadLimitException;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskStatus;
import dev.fleet.spi.Transport;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import dev.fleet.testing.MemoryJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The payload budget over random runs of submissions (alone and in batches, some with deadlines), results,
 * failures, cancellations, machines going silent, time and restarts from the journal. Invariant: the payload
 * bytes the fleet holds always equal the sum of the payloads of its unfinished tasks, and a submission is refused
 * for the budget exactly when that sum plus its own payload would exceed it.
 */
class PayloadBudgetProperties {
  private static final long BUDGET = 4_000;
  private static final int MACHINES = 2;

  record Op(Kind kind, int a, int b) {}

  enum Kind { SUBMIT, BATCH, SUCCEED, FAIL, CANCEL, SILENCE, BEAT, ADVANCE, RESTART }

  @Property(tries = 200)
  void heldBytesAreThePayloadsOfUnfinishedTasks(@ForAll("operations") List<Op> ops) {
    Run run = new Run();
    try {
      for (Op op : ops) {
        run.step(op);
        run.check(op);
      }
      Statistics.label("submissions refused for the budget").collect(run.refused == 0 ? "0" : run.refused > 5
          ? ">5" : "1-5");
    } finally {
      run.fleet.close();
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Kind> kinds = Arbitraries.frequency(Tuple.of(12, Kind.SUBMIT), Tuple.of(3, Kind.BATCH),
        Tuple.of(5, Kind.SUCCEED), Tuple.of(3, Kind.FAIL), Tuple.of(3, Kind.CANCEL), Tuple.of(2, Kind.SILENCE),
        Tuple.of(4, Kind.BEAT), Tuple.of(4, Kind.ADVANCE), Tuple.of(2, Kind.RESTART));
    return Combinators.combine(kinds, Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 1500))
        .as(Op::new).list().ofMinSize(10).ofMaxSize(120);
  }

  /** A journaled fleet on hand-driven time with a payload budget of {@link #BUDGET} bytes. */
  static final class Run implements Transport {
    final FakeTicker ticker = new FakeTicker(5_000_000_000L);
    final List<MachineId> machines = new ArrayList<>();
    final List<TaskId> tasks = new ArrayList<>();
    final Set<MachineId> silent = new HashSet<>();
    final Map<TaskId, Long> tokens = new HashMap<>();
    MemoryJournal journal = new MemoryJournal();
    ManualScheduler scheduler;
    Fleet fleet;
    long sequence;
    int refused;

    Run() {
      open();
      for (int i = 0; i < MACHINES; i++) {
        MachineId id = MachineId.of("m" + i);
        machines.add(id);
        fleet.registry().register(TestFleet.machine(id.value(), "worker", "x").withSlots(2));
      }
    }

    private void open() {
      scheduler = new ManualScheduler(ticker);
      fleet = Fleets.newBuilder().ticker(ticker).scheduler(scheduler).eventExecutor(Runnable::run).transport(this)
          .journal(journal).maxPayloadBytesHeld(BUDGET).build();
    }

    @Override
    public synchronized void deliver(Assignment a) {
      tokens.put(a.task().id(), a.token());
    }

    @Override
    public void withdraw(Assignment a, String reason) {}

    /** The sum of the payloads of the tasks not yet finished, from the tasks themselves. */
    long unfinishedBytes() {
      long sum = 0;
      for (TaskStatus s : fleet.dispatcher().tasks()) {
        if (!s.state().isFinal()) {
          sum += s.task().payload().size();
        }
      }
      return sum;
    }

    private Task task(int size, int deadlineSeconds) {
      Task.Builder b = Task.newBuilder("t" + tasks.size()).requires("x")
          .payload(new Payload(new byte[size], "application/octet-stream")).maxAttempts(2)
          .reschedule(ReschedulePolicy.constant(Duration.ofSeconds(1)));
      if (deadlineSeconds > 0) {
        b.deadline(Duration.ofSeconds(deadlineSeconds));
      }
      tasks.add(TaskId.of("t" + tasks.size()));
      return b.build();
    }

    void step(Op op) {
      MachineId m = machines.get(op.a() % machines.size());
      TaskId t = tasks.isEmpty() ? null : tasks.get(op.a() % tasks.size());
      try {
        switch (op.kind()) {
          case SUBMIT -> {
            long held = unfinishedBytes();
            int size = op.b();
            Task task = task(size, op.a() % 4 == 0 ? 1 + op.a() % 30 : 0);
            boolean fits = size == 0 || held + size <= BUDGET;
            if (fits) {
              fleet.dispatcher().submit(task);
            } else {
              refused++;
              PayloadLimitException e = assertThrows(PayloadLimitException.class,
                  () -> fleet.dispatcher().submit(task), "held " + held + " + " + size + " > " + BUDGET);
              assertEquals(held, e.heldBytes());
              assertEquals(java.util.Optional.empty(), fleet.dispatcher().status(task.id()));
            }
          }
          case BATCH -> {
            long held = unfinishedBytes();
            List<Task> batch = List.of(task(op.b() / 2, 0), task(op.b(), 0), task(op.a(), 0));
            long adding = batch.stream().mapToLong(x -> x.payload().size()).sum();
            if (held + adding <= BUDGET) {
              fleet.dispatcher().submitAll(batch);
            } else {
              refused++;
              assertThrows(PayloadLimitException.class, () -> fleet.dispatcher().submitAll(batch));
              for (Task x : batch) {
                assertEquals(java.util.Optional.empty(), fleet.dispatcher().status(x.id()), "none of the batch");
              }
            }
          }
          case SUCCEED, FAIL -> {
            if (t != null && tokens.containsKey(t)) {
              fleet.dispatcher().complete(t, tokens.get(t),
                  op.kind() == Kind.SUCCEED ? TaskResult.success() : TaskResult.failure("exit 1"));
            }
          }
          case CANCEL -> {
            if (t != null) {
              fleet.dispatcher().cancel(t);
            }
          }
          case SILENCE -> silent.add(m);
          case BEAT -> {
            silent.remove(m);
            fleet.monitor().heartbeat(Heartbeat.of(m, ++sequence, (op.b() % 100) / 100.0));
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
          case RESTART -> {
            fleet.close();
            journal = journal.crash();
            open();
          }
        }
      } catch (IllegalStateException | dev.fleet.UnknownTaskException | dev.fleet.StaleAttemptException expected) {
        // Stale tokens and finished tasks are part of the workload; payload refusals are not caught here.
      }
    }

    /** Probes the held bytes: a payload one byte over the budget is refused naming exactly what is held. */
    void check(Op op) {
      long held = unfinishedBytes();
      Task probe = Task.newBuilder("probe").payload(new Payload(new byte[(int) BUDGET + 1 - (int) held],
          "application/octet-stream")).build();
      PayloadLimitException e = assertThrows(PayloadLimitException.class, () -> fleet.dispatcher().plan(probe));
      assertEquals(held, e.heldBytes(), "held bytes after " + op);
      if (held < BUDGET) {
        fleet.dispatcher().plan(Task.newBuilder("probe").payload(new Payload(new byte[(int) (BUDGET - held)],
            "application/octet-stream")).build());
      }
    }
  }
}
