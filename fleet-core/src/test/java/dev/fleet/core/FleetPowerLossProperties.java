package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.core.internal.journal.SimulatedDisk;
import dev.fleet.core.internal.journal.SimulatedDisk.Loss;
import dev.fleet.spi.JournalException;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * A whole fleet on a file journal over a simulated disk, with the power cut at every disk operation of a random
 * workload (submissions, starts, results, cancellations, machines joining and leaving, snapshots): the fleet on
 * what a reboot finds opens, knows every acknowledged change, and holds no change that was not attempted.
 */
class FleetPowerLossProperties {
  private static final AtomicLong CUTS = new AtomicLong();
  /** Workloads whose fleet took a snapshot, so recovery from a snapshot plus a tail is among the cuts. */
  private static final AtomicLong SNAPSHOTTED = new AtomicLong();
  /** Thousands of expected journal failures would each log a stack trace; kept strongly so the level holds. */
  private static final java.util.logging.Logger QUIET = quiet("dev.fleet.core.internal");
  private static final java.util.logging.Logger QUIET_RECOVERY = quiet("dev.fleet.core.internal.journal");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
    l.setLevel(java.util.logging.Level.OFF);
    return l;
  }

  /** How far a task got: each step needs the ones before it. */
  enum Step { SUBMITTED, STARTED, FINISHED }

  /** What the workload was told (acknowledged) and what it tried, per task. */
  static final class Outcome {
    final Map<TaskId, Step> acknowledged = new LinkedHashMap<>();
    final Map<TaskId, Step> attempted = new HashMap<>();
    final Map<TaskId, String> results = new HashMap<>();
    final Map<MachineId, Boolean> machinesAcknowledged = new HashMap<>();
  }

  @Property(tries = 150)
  void everyAcknowledgedChangeSurvivesPowerLossAndNothingUnattemptedAppears(@ForAll long seed) throws Exception {
    SimulatedDisk dry = new SimulatedDisk();
    run(seed, dry);
    if (dry.list().stream().anyMatch(f -> f.startsWith("snapshot-"))) {
      SNAPSHOTTED.incrementAndGet();
    }
    long total = dry.operations();
    assertTrue(total > 20, "the workload made only " + total + " disk operations");
    for (long cut = 1; cut <= total; cut++) {
      SimulatedDisk disk = new SimulatedDisk();
      disk.cutPowerAt(cut);
      Outcome o = run(seed, disk);
      Random random = new Random(seed ^ cut);
      Loss loss = Loss.values()[random.nextInt(Loss.values().length)];
      check(disk.afterPowerLoss(loss, random), o, "seed " + seed + ", cut at " + cut + " of " + total + ", " + loss);
      CUTS.incrementAndGet();
    }
  }

  @AfterContainer
  static void atLeastTenThousandCutPointsWereChecked() {
    assertTrue(QUIET.getLevel() == java.util.logging.Level.OFF && QUIET_RECOVERY.getLevel() == QUIET.getLevel());
    assertTrue(SNAPSHOTTED.get() > 0, "no workload took a snapshot");
    System.getLogger(FleetPowerLossProperties.class.getName()).log(System.Logger.Level.INFO,
        "fleet power loss checked at {0} cut points; {1} workloads snapshotted", CUTS.get(), SNAPSHOTTED.get());
    assertTrue(CUTS.get() >= 10_000, "only " + CUTS.get() + " cut points were checked");
  }

  private static Fleet fleet(SimulatedDisk disk, ManualScheduler scheduler) {
    FakeTicker ticker = scheduler.ticker();
    FileJournal journal = FileJournal.newBuilder(Path.of("simulated")).segmentBytes(1_500).storage(disk).build();
    return Fleets.newBuilder().ticker(ticker).scheduler(scheduler).eventExecutor(Runnable::run)
        .wallClock(() -> Instant.ofEpochMilli(1_800_000_000_000L + ticker.read() / 1_000_000L))
        .journal(journal).snapshotEvery(25).build();
  }

  /** Runs the workload until it ends or the power goes; the scheduler runs snapshots as time passes. */
  static Outcome run(long seed, SimulatedDisk disk) {
    Outcome o = new Outcome();
    ManualScheduler scheduler = new ManualScheduler(new FakeTicker(1_000_000_000L));
    Random r = new Random(seed);
    Fleet fleet;
    try {
      fleet = fleet(disk, scheduler);
    } catch (JournalException e) {
      return o;
    }
    Map<TaskId, Long> tokens = new HashMap<>();
    List<TaskId> ids = new ArrayList<>();
    List<MachineId> machines = new ArrayList<>();
    long sequence = 0;
    try {
      for (int i = 0; i < 40; i++) {
        int kind = r.nextInt(10);
        if (kind == 0 || machines.isEmpty()) {
          MachineId m = MachineId.of("m" + i);
          fleet.registry().register(TestFleet.machine(m.value(), "worker", "cpu"));
          machines.add(m);
          o.machinesAcknowledged.put(m, true);
          fleet.monitor().heartbeat(Heartbeat.of(m, ++sequence, 0.0));
        } else if (kind <= 4) {
          TaskId id = TaskId.of("t" + i);
          o.attempted.put(id, Step.SUBMITTED);
          Decision d = fleet.dispatcher().submit(Task.newBuilder(id.value()).requires("cpu").build());
          o.acknowledged.put(id, Step.SUBMITTED);
          ids.add(id);
          if (d instanceof Decision.Dispatched x) {
            tokens.put(id, x.token());
          }
        } else if (kind <= 6 && !ids.isEmpty()) {
          TaskId id = ids.get(r.nextInt(ids.size()));
          Long token = tokens.get(id);
          if (token != null && o.acknowledged.get(id) == Step.SUBMITTED) {
            o.attempted.put(id, Step.STARTED);
            fleet.dispatcher().started(id, token);
            o.acknowledged.put(id, Step.STARTED);
          }
        } else if (kind <= 8 && !ids.isEmpty()) {
          TaskId id = ids.get(r.nextInt(ids.size()));
          Long token = tokens.get(id);
          if (token != null && o.acknowledged.get(id) != Step.FINISHED) {
            String message = "done " + i;
            o.attempted.put(id, Step.FINISHED);
            o.results.put(id, message);
            fleet.dispatcher().complete(id, token, new TaskResult(true, dev.fleet.Payload.EMPTY, message));
            o.acknowledged.put(id, Step.FINISHED);
          }
        } else {
          scheduler.advance(java.time.Duration.ofMillis(100)); // sweeps, and any snapshot asked for
        }
      }
    } catch (JournalException e) {
      if (!disk.poweredOff()) {
        throw e;
      }
    }
    try {
      fleet.close();
    } catch (RuntimeException e) {
      if (!disk.poweredOff()) {
        throw e;
      }
    }
    return o;
  }

  private static void check(SimulatedDisk rebooted, Outcome o, String where) {
    Fleet fleet;
    try {
      fleet = fleet(rebooted, new ManualScheduler(new FakeTicker(9_000_000_000L)));
    } catch (RuntimeException e) {
      throw new AssertionError(where + ": the fleet did not open: " + e, e);
    }
    try (fleet) {
      for (Map.Entry<MachineId, Boolean> m : o.machinesAcknowledged.entrySet()) {
        assertTrue(fleet.registry().get(m.getKey()).isPresent(), where + ": machine " + m.getKey() + " lost");
      }
      for (Map.Entry<TaskId, Step> a : o.acknowledged.entrySet()) {
        TaskStatus s = fleet.dispatcher().status(a.getKey()).orElseThrow(
            () -> new AssertionError(where + ": acknowledged task " + a.getKey() + " lost"));
        Step got = step(s.state());
        assertTrue(got.compareTo(a.getValue()) >= 0,
            where + ": " + a.getKey() + " acknowledged " + a.getValue() + " but recovered " + s.state());
      }
      for (TaskId id : o.attempted.keySet()) {
        fleet.dispatcher().status(id).ifPresent(s -> {
          Step got = step(s.state());
          assertTrue(got.compareTo(o.attempted.get(id)) <= 0,
              where + ": " + id + " recovered " + s.state() + ", further than attempted " + o.attempted.get(id));
          if (got == Step.FINISHED) {
            assertEquals(o.results.get(id), s.result().orElseThrow().message(), where + ": result of " + id);
          }
        });
      }
    }
  }

  private static Step step(TaskState s) {
    return switch (s) {
      case QUEUED, DISPATCHED -> Step.SUBMITTED;
      case RUNNING -> Step.STARTED;
      case SUCCEEDED -> Step.FINISHED;
      default -> {
        fail("unexpected state " + s);
        yield Step.SUBMITTED;
      }
    };
  }
}
