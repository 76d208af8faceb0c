package dev.fleet.bench;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import dev.fleet.core.FileJournal;
import dev.fleet.core.FleetBuilder;
import dev.fleet.core.Fleets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole fleet with its file journal, fsync on, in a temporary directory (on {@code java.io.tmpdir}'s file
 * system), beside the same fleet without a journal in the same run:
 *
 * <ul>
 *   <li>{@link #durableSubmit64} / {@link #memorySubmit64}: 64 threads each submitting a task and waiting for
 *       the answer, which a durable fleet gives only once the submission and its dispatch are on disk (group
 *       commit shares the fsyncs); score = accepted submissions/s.
 *   <li>{@link #durableSubmitAll100}: one thread submitting 100 tasks with {@code submitAll}, one fsync for the
 *       lot; score = accepted submissions/s.
 *   <li>{@link #replayHistory}: a fleet starting on a journal of {@code events} records (tasks submitted,
 *       dispatched, started and finished), no snapshot; score = seconds to replay and build.
 *   <li>{@link #restartFromSnapshot}: the same history, snapshotted: what a restart costs when the journal
 *       holds live state rather than history.
 * </ul>
 *
 * Every machine stays at load 0 ({@code loadPerTask(0)}), so each submission dispatches: two journal records.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class DurableBenchmark {
  static final int MACHINES = 100;
  static final int BATCH = 100;

  static List<Machine> machines() {
    List<Machine> out = new ArrayList<>(MACHINES);
    for (int i = 0; i < MACHINES; i++) {
      out.add(new Machine(MachineId.of("m" + i), "m" + i + ".local", "worker",
          new LinkedHashSet<>(List.of("cpu", i % 2 == 0 ? "gpu" : "ssd")), Specs.NONE, Map.of()));
    }
    return out;
  }

  static Fleet fleet(Path journalDir, int retention) {
    return fleet(journalDir, retention, 100_000);
  }

  static Fleet fleet(Path journalDir, int retention, long snapshotEvery) {
    FleetBuilder b = Fleets.newBuilder().loadPerTask(0).finishedTaskRetention(retention);
    if (journalDir != null) {
      b.journal(FileJournal.newBuilder(journalDir).build()).snapshotEvery(snapshotEvery);
    }
    return b.build();
  }

  static void join(Fleet fleet) {
    long seq = 0;
    for (Machine m : machines()) {
      fleet.registry().register(m);
      fleet.monitor().heartbeat(Heartbeat.of(m.id(), ++seq, 0.0));
    }
  }

  /**
   * A durable fleet of {@value #MACHINES} machines for the whole run: a fresh one per iteration would spend the
   * iteration's setup with 63 of JMH's threads spinning at its barrier on 2 cores while one registers machines
   * (a sync each). Its live tasks grow by one run's worth (a few hundred thousand).
   */
  @State(Scope.Benchmark)
  public static class Durable {
    Path dir;
    Fleet fleet;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("fleet-durable-bench");
      // No snapshots: the live tasks grow by the whole run (no task finishes), and a snapshot of them all,
      // taken under the fleet's lock, is what restartFromSnapshot measures, not what a submission costs.
      fleet = fleet(dir.resolve("journal"), 1000, 0);
      join(fleet);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      fleet.close();
      JournalBenchmark.delete(dir);
    }
  }

  /** The same fleet without a journal, fresh every iteration (it takes ten times the tasks a durable one does). */
  @State(Scope.Benchmark)
  public static class InMemory {
    Fleet fleet;

    @Setup(Level.Iteration)
    public void setUp() {
      fleet = fleet(null, 1000);
      join(fleet);
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      fleet.close();
    }
  }

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** Each thread's name prefix and counter, so every task id is new. */
  @State(Scope.Thread)
  public static class Ids {
    final String prefix = "t" + THREADS.incrementAndGet() + "-";
    long next;

    Task next() {
      return Task.newBuilder(prefix + next++).requires("cpu").build();
    }
  }

  @Benchmark
  @Threads(64)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Decision durableSubmit64(Durable d, Ids ids) {
    return d.fleet.dispatcher().submit(ids.next());
  }

  @Benchmark
  @Threads(64)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Decision memorySubmit64(InMemory m, Ids ids) {
    return m.fleet.dispatcher().submit(ids.next());
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public List<Decision> durableSubmitAll100(Durable d, Ids ids) {
    List<Task> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      batch.add(ids.next());
    }
    return d.fleet.dispatcher().submitAll(batch);
  }

  /** A journal of about {@code events} records of history, and a copy of it that was snapshotted. */
  @State(Scope.Benchmark)
  public static class History {
    @Param({"1000000"})
    public int events;

    Path dir;
    Path history;
    Path snapshotted;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("fleet-durable-history");
      history = dir.resolve("history");
      snapshotted = dir.resolve("snapshotted");
      write(history, false);
      write(snapshotted, true);
    }

    /** Tasks submitted, dispatched, started and finished: four records each, after the machines' own. */
    private void write(Path journalDir, boolean snapshot) {
      // Written without fsync: the setup would otherwise spend minutes waiting for the disk; replay reads the same.
      FleetBuilder b = Fleets.newBuilder().loadPerTask(0).finishedTaskRetention(1000)
          .heartbeatInterval(java.time.Duration.ofHours(1))
          .journal(FileJournal.newBuilder(journalDir).fsync(false).build());
      b.snapshotEvery(snapshot ? Math.max(1, Math.min(10_000, events / 10)) : 0);
      try (Fleet fleet = b.build()) {
        join(fleet);
        TaskResult done = TaskResult.success();
        for (int i = 0; i < events / 4; i++) {
          Decision.Dispatched d = (Decision.Dispatched) fleet.dispatcher().submit(
              Task.newBuilder("h" + i).title("history " + i).requires("cpu").build());
          fleet.dispatcher().started(d.task().id(), d.token());
          fleet.dispatcher().complete(d.task().id(), d.token(), done);
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      JournalBenchmark.delete(dir);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 5)
  public int replayHistory(History h) {
    try (Fleet fleet = fleet(h.history, 1000)) {
      return fleet.registry().size();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 5)
  public int restartFromSnapshot(History h) {
    try (Fleet fleet = fleet(h.snapshotted, 1000)) {
      return fleet.registry().size();
    }
  }
}
