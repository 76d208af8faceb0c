package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Assignment;
import dev.fleet.Attempt;
import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.OwnerReturnPolicy;
import dev.fleet.Priority;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Specs;
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
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Replaying a fleet's journal gives exactly the state the fleet had: the same machines in the same order, every
 * task in the same state on the same machine with the same attempts and tokens, and the queue in the same order;
 * with snapshots taken along the way, a snapshot plus the tail gives the same.
 */
class ReplayProperties {
  private static final List<String> CAPS = List.of("gpu", "cpu", "ssd");
  private static final long WALL_ORIGIN = 1_800_000_000_000L;

  @Property(tries = 150)
  void replayingTheJournalGivesExactlyTheLiveState(@ForAll long seed, @ForAll @IntRange(min = 20, max = 160) int ops) {
    check(seed, ops, 0);
  }

  @Property(tries = 150)
  void aSnapshotPlusTheTailGivesExactlyTheLiveState(@ForAll long seed, @ForAll @IntRange(min = 20, max = 160) int ops,
      @ForAll @IntRange(min = 1, max = 40) int snapshotEvery) {
    check(seed, ops, snapshotEvery);
  }

  private static void check(long seed, int ops, int snapshotEvery) {
    FakeTicker ticker = new FakeTicker(7_000_000_000L);
    MemoryJournal journal = new MemoryJournal();
    Run live = new Run(ticker, journal, snapshotEvery);
    Random random = new Random(seed);
    for (int i = 0; i < ops; i++) {
      live.step(random);
    }
    State before = live.state(live.submitted);
    live.scheduler.runDue();
    if (snapshotEvery > 0 && journal.position() >= 2L * snapshotEvery) {
      assertTrue(journal.snapshots() > 0, "no snapshot after " + journal.position() + " records, seed " + seed);
    }
    live.fleet.close();

    Run replayed = new Run(ticker, journal.reopen(), 0);
    State after = replayed.state(live.submitted);
    assertEquals(before.machines(), after.machines(), "machines, seed " + seed);
    assertEquals(before.active(), after.active(), "attempts in flight per machine, seed " + seed);
    for (TaskId id : before.tasks().keySet()) {
      assertEquals(before.tasks().get(id), after.tasks().get(id), "task " + id + ", seed " + seed);
    }
    assertEquals(before.tasks().keySet(), after.tasks().keySet(), "tasks known, seed " + seed);
    assertEquals(before.queue(), after.queue(), "queue, seed " + seed);
    // Every attempt in flight is handed to the transport again, with its token, so agents can be told.
    Map<TaskId, Long> inFlight = new LinkedHashMap<>();
    for (Map.Entry<TaskId, TaskView> e : before.tasks.entrySet()) {
      TaskState s = e.getValue().state;
      if (s == TaskState.DISPATCHED || s == TaskState.RUNNING || s == TaskState.PAUSED) {
        inFlight.put(e.getKey(), live.tokens.get(e.getKey()));
      }
    }
    assertEquals(inFlight, replayed.delivered(), "re-delivered attempts, seed " + seed);
    replayed.fleet.close();
  }

  record TaskView(TaskState state, String machine, int attempt, List<String> history, String result) {}

  /** {@code active}: each machine's attempts in flight, which its slots are counted by. */
  record State(List<Machine> machines, List<Integer> active, Map<TaskId, TaskView> tasks, List<TaskId> queue) {}

  /** A fleet on hand-driven time, a transport that remembers each task's latest attempt, and random steps. */
  static final class Run implements Transport {
    final ManualScheduler scheduler;
    final Fleet fleet;
    final FakeTicker ticker;
    final Map<TaskId, Long> tokens = new LinkedHashMap<>();
    final List<TaskId> submitted = new ArrayList<>();
    final List<MachineId> machines = new ArrayList<>();
    private final Map<TaskId, Long> deliveries = new LinkedHashMap<>();
    private int nextMachine;
    private int nextTask;
    private long sequence;

    Run(FakeTicker ticker, MemoryJournal journal, int snapshotEvery) {
      this.ticker = ticker;
      this.scheduler = new ManualScheduler(ticker);
      InstantSource wall = () -> Instant.ofEpochMilli(WALL_ORIGIN + ticker.read() / 1_000_000L);
      FleetBuilder b = Fleets.newBuilder().ticker(ticker).wallClock(wall).scheduler(scheduler)
          .eventExecutor(Runnable::run).transport(this).journal(journal).finishedTaskRetention(50);
      if (snapshotEvery > 0) {
        b.snapshotEvery(snapshotEvery);
      }
      fleet = b.build();
      for (MachineStatus s : fleet.registry().list()) {
        machines.add(s.id());
      }
    }

    @Override
    public synchronized void deliver(Assignment a) {
      deliveries.put(a.task().id(), a.token());
      tokens.put(a.task().id(), a.token());
    }

    @Override
    public void withdraw(Assignment a, String reason) {}

    synchronized Map<TaskId, Long> delivered() {
      return new LinkedHashMap<>(deliveries);
    }

    void step(Random r) {
      int kind = r.nextInt(100);
      try {
        if (kind < 10 || machines.isEmpty()) {
          register(r);
        } else if (kind < 40) {
          submit(r);
        } else if (kind < 55) {
          beat(r);
        } else if (kind < 65) {
          TaskId t = pickTask(r);
          if (t != null && tokens.containsKey(t)) {
            fleet.dispatcher().started(t, tokens.get(t));
          }
        } else if (kind < 75) {
          TaskId t = pickTask(r);
          if (t != null && tokens.containsKey(t)) {
            fleet.dispatcher().complete(t, tokens.get(t), r.nextBoolean() ? TaskResult.success()
                : TaskResult.failure("exit " + r.nextInt(5)));
          }
        } else if (kind < 79) {
          TaskId t = pickTask(r);
          if (t != null) {
            fleet.dispatcher().cancel(t);
          }
        } else if (kind < 82) {
          TaskId t = pickTask(r);
          if (t != null) {
            fleet.dispatcher().reroute(t, machines.get(r.nextInt(machines.size())));
          }
        } else if (kind < 85) {
          MachineId m = machines.get(r.nextInt(machines.size()));
          if (r.nextBoolean()) {
            fleet.registry().drain(m, Duration.ofSeconds(r.nextInt(30)));
          } else {
            fleet.registry().undrain(m);
          }
        } else if (kind < 87) {
          MachineId m = machines.remove(r.nextInt(machines.size()));
          fleet.registry().deregister(m);
        } else if (kind < 89) {
          MachineId m = machines.get(r.nextInt(machines.size()));
          Machine now = fleet.registry().get(m).orElseThrow().machine();
          fleet.registry().update(now.withCapabilities(caps(r)));
        } else if (kind < 91) {
          fleet.monitor().announceSleep(machines.get(r.nextInt(machines.size())));
        } else if (kind < 93) {
          fleet.monitor().announceLeave(machines.get(r.nextInt(machines.size())));
        } else {
          scheduler.advance(Duration.ofSeconds(1 + r.nextInt(12)));
        }
      } catch (RuntimeException expected) {
        // Refusals (stale tokens, finished tasks, machines not online) are part of the workload.
      }
    }

    private TaskId pickTask(Random r) {
      return submitted.isEmpty() ? null : submitted.get(r.nextInt(submitted.size()));
    }

    private List<String> caps(Random r) {
      List<String> c = new ArrayList<>();
      for (String cap : CAPS) {
        if (r.nextInt(3) > 0) {
          c.add(cap);
        }
      }
      return c;
    }

    private void register(Random r) {
      MachineId id = MachineId.of("m" + nextMachine++);
      Map<String, String> labels = new java.util.HashMap<>();
      if (r.nextInt(4) == 0) {
        labels.put("form", "laptop");
      }
      if (r.nextInt(3) == 0) { // a slot's worth of reservation, and a machine that fills up
        labels.put(Machine.LABEL_SLOTS, Integer.toString(1 + r.nextInt(3)));
      }
      Machine m = new Machine(id, id.value() + ".local", r.nextBoolean() ? "primary" : "worker",
          new LinkedHashSet<>(caps(r)), Specs.NONE, labels);
      fleet.registry().register(m);
      machines.add(id);
    }

    private void beat(Random r) {
      MachineId m = machines.get(r.nextInt(machines.size()));
      fleet.monitor().heartbeat(Heartbeat.of(m, ++sequence, r.nextInt(100) / 100.0));
    }

    private void submit(Random r) {
      Task.Builder b = Task.newBuilder("t" + nextTask++).title("task " + nextTask)
          .priority(Priority.values()[r.nextInt(Priority.values().length)])
          .weight(Weight.values()[r.nextInt(Weight.values().length)])
          .maxAttempts(1 + r.nextInt(3))
          .reschedule(r.nextBoolean() ? ReschedulePolicy.constant(Duration.ZERO)
              : ReschedulePolicy.constant(Duration.ofSeconds(2)));
      List<String> caps = caps(r);
      if (caps.size() > 1) {
        b.requires(caps.subList(0, 1 + r.nextInt(caps.size() - 1)));
      }
      if (r.nextInt(5) == 0) {
        b.deadline(Duration.ofSeconds(5 + r.nextInt(30)));
      }
      if (r.nextInt(6) == 0) {
        b.idempotencyKey("k" + r.nextInt(5));
      }
      if (r.nextInt(8) == 0) {
        b.onOwnerReturn(OwnerReturnPolicy.pause(Duration.ofSeconds(20)));
      }
      Task task = b.build();
      Decision d = fleet.dispatcher().submit(task);
      if (d instanceof Decision.Rejected) {
        return;
      }
      submitted.add(task.id());
    }

    State state(List<TaskId> submitted) {
      List<Machine> ms = new ArrayList<>();
      List<Integer> active = new ArrayList<>();
      for (MachineStatus s : fleet.registry().list()) {
        ms.add(s.machine());
        active.add(s.activeTasks());
      }
      Map<TaskId, TaskView> tasks = new LinkedHashMap<>();
      for (TaskId id : submitted) {
        fleet.dispatcher().status(id).ifPresent(s -> tasks.put(id, view(s)));
      }
      List<TaskId> queue = new ArrayList<>();
      for (TaskStatus s : fleet.dispatcher().queue()) {
        queue.add(s.task().id());
      }
      return new State(ms, active, tasks, queue);
    }

    private static TaskView view(TaskStatus s) {
      List<String> history = new ArrayList<>();
      for (Attempt a : s.attempts()) {
        history.add(a.number() + "@" + a.machine() + ":" + a.ending());
      }
      return new TaskView(s.state(), s.machine().map(MachineId::value).orElse(null), s.attempt(), history,
          s.result().map(x -> x.succeeded() + "/" + x.message()).orElse(null));
    }
  }
}
