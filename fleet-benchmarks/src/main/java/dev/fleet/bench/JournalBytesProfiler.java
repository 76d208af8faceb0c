package dev.fleet.bench;

import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof dev.fleet.bench.JournalBytesProfiler}) reporting, per op of an iteration of a
 * {@link ReplicatedJournalBenchmark}: {@code record.bytes.norm}, the bytes of the records appended to the journal
 * (what the fleet asks it to keep, the same for every journal), and for {@code raft3} {@code log.bytes.norm}, the
 * bytes the three nodes' Raft logs grew by, summed (each replicated byte counts three times, as three disks write
 * it). Benchmarks without a {@link JournalUnderTest} report nothing.
 *
 * <p>It reads the counts before and after the iteration (an iteration whose Raft logs shrank, because a snapshot
 * truncated them, reports no log figure). JMH calls it from one thread at a time.
 */
public final class JournalBytesProfiler implements InternalProfiler {
  private long recordsBefore = -1;
  private long logBefore = -1;

  @Override
  public String getDescription() {
    return "bytes per op: the records appended, and what the Raft nodes' logs grew by";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    JournalUnderTest j = JournalUnderTest.current;
    recordsBefore = j == null ? -1 : j.recordBytes();
    logBefore = j == null ? -1 : j.logBytes();
  }

  @Override
  public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
      IterationResult result) {
    JournalUnderTest j = JournalUnderTest.current;
    long ops = result.getMetadata().getAllOps();
    // The trial's setup runs inside the first iteration, after beforeIteration: nothing to compare with yet.
    if (j == null || recordsBefore < 0 || ops == 0) {
      return List.of();
    }
    List<Result> out = new ArrayList<>();
    out.add(new ScalarResult("record.bytes.norm", (double) (j.recordBytes() - recordsBefore) / ops, "B/op",
        AggregationPolicy.AVG));
    long logAfter = j.logBytes();
    if (logBefore >= 0 && logAfter >= logBefore) {
      out.add(new ScalarResult("log.bytes.norm", (double) (logAfter - logBefore) / ops, "B/op",
          AggregationPolicy.AVG));
    }
    return out;
  }
}
