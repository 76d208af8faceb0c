package dev.fleet.bench;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.core.Fleets;
import dev.fleet.spi.Journal;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The replicated journal against the single-node one, in the same run: {@code journal=file} is the
 * {@code FileJournal}, {@code journal=raft3} a group of three {@code RaftJournal} nodes in this JVM on 127.0.0.1
 * (each its own log directory and fsync, talking TCP over loopback), the fleet or the writer on the leader. Both
 * in a temporary directory on {@code java.io.tmpdir}'s file system, fsync on.
 *
 * <ul>
 *   <li>{@link #submit64}: {@link DurableBenchmark}'s durable fleet (100 machines at load 0, so each submission is
 *       two records, submitted and dispatched), 64 threads each submitting a task and waiting for the answer,
 *       which comes once both records are durable: on disk for {@code file}, committed (fsynced on a majority of
 *       the three nodes) for {@code raft3}. Score = acknowledged submissions/s.
 *   <li>{@link #submit64Latency}: the same, scored as the mean time (ms) one submission waits for its answer
 *       with 64 in flight.
 *   <li>{@link #appendSync64}: the journal alone, 64 threads each appending a {@value JournalBenchmark#RECORD_BYTES}
 *       byte record (about a submission record's size) and waiting for it to be durable; score = records/s.
 * </ul>
 *
 * <p>The cost per event, from the profilers ({@code -prof dev.fleet.bench.CpuTimeProfiler -prof
 * dev.fleet.bench.JournalBytesProfiler}):
 *
 * <ul>
 *   <li>{@code cpu.process.norm}: this whole JVM's CPU time per acknowledged op. For {@code raft3} that is the
 *       leader's, both followers' (their log writes, their acknowledgements) and the fleet's together: what the
 *       group spends on one submission, on one machine. Spread over three machines, the leader carries most of
 *       it. On a shared machine whose cores are all busy, the ratio of the two journals' rates follows this ratio.
 *   <li>{@code record.bytes.norm}: the bytes of the records the fleet appended per op (the same for both).
 *   <li>{@code log.bytes.norm} ({@code raft3} only): what the three Raft logs grew by per op, summed over the
 *       nodes, so each replicated byte counts three times. The file journal writes into preallocated segments,
 *       so its files do not grow as it writes; it adds a 24-byte frame header to each record (docs/journal.md).
 * </ul>
 *
 * The loopback network costs no wire time here: on a LAN each commit waits one more round trip.
 * {@code -Djava.net.preferIPv4Stack=true}: as the fleet-raft tests and the replicated-coordinator tests run JGroups.
 *
 * <p>Threading: JMH's. Each state is set up and torn down by one thread and shared by the 64 benchmark threads
 * (the fleet and the journals are thread-safe).
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Djava.net.preferIPv4Stack=true"})
// JGroups' and jgroups-raft's code is still being compiled after two seconds on two shared cores.
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 2)
public class ReplicatedJournalBenchmark {

  /** The durable fleet of {@link DurableBenchmark} for the whole trial, its journal of the given kind. */
  @State(Scope.Benchmark)
  public static class DurableFleet {
    @Param({"file", "raft3"})
    public String journal;

    JournalUnderTest under;
    Fleet fleet;

    @Setup(Level.Trial)
    public void setUp() {
      under = JournalUnderTest.create(journal);
      // No snapshots, as in DurableBenchmark: a snapshot of every live task is not what a submission costs.
      fleet = Fleets.newBuilder().loadPerTask(0).finishedTaskRetention(1000)
          .journal(under.journal()).snapshotEvery(0).build();
      DurableBenchmark.join(fleet);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      fleet.close();
      under.close();
    }
  }

  /** The journal alone, opened on a fresh directory (on the leader for {@code raft3}). */
  @State(Scope.Benchmark)
  public static class OpenJournal {
    @Param({"file", "raft3"})
    public String journal;

    JournalUnderTest under;
    Journal open;

    @Setup(Level.Trial)
    public void setUp() {
      under = JournalUnderTest.create(journal);
      open = under.journal();
      open.open(r -> {});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      under.close();
    }
  }

  @Benchmark
  @Threads(64)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Decision submit64(DurableFleet d, DurableBenchmark.Ids ids) {
    return d.fleet.dispatcher().submit(ids.next());
  }

  @Benchmark
  @Threads(64)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Decision submit64Latency(DurableFleet d, DurableBenchmark.Ids ids) {
    return d.fleet.dispatcher().submit(ids.next());
  }

  @Benchmark
  @Threads(64)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void appendSync64(OpenJournal j, JournalBenchmark.Record record) {
    j.open.sync(j.open.append(record.bytes));
  }
}
