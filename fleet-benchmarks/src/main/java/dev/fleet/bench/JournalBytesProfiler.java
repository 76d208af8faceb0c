package dev.fleet.bench;

import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof dev.fleet.bench.JournalBytesProfiler}) reporting {@code log.bytes.norm}: the bytes
 * the {@link ReplicatedJournalBenchmark}'s journal added to its log files during an iteration, divided by the
 * iteration's ops. For a Raft group it is the sum over the three nodes' logs, so it counts each replicated byte
 * three times, as the three disks do. Benchmarks without a {@link JournalUnderTest} report nothing.
 *
 * <p>It reads the files' sizes before and after the iteration (an iteration whose log shrank, because a snapshot
 * truncated it, reports nothing). JMH calls it from one thread at a time.
 */
public final class JournalBytesProfiler implements InternalProfiler {
  private long before = -1;

  @Override
  public String getDescription() {
    return "bytes added to the journal's log files (every Raft node's) per op";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    JournalUnderTest j = JournalUnderTest.current;
    before = j == null ? -1 : j.logBytes();
  }

  @Override
  public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
      IterationResult result) {
    JournalUnderTest j = JournalUnderTest.current;
    long after = j == null ? -1 : j.logBytes();
    long ops = result.getMetadata().getAllOps();
    if (before < 0 || after < before || ops == 0) {
      // The trial's setup runs inside the first iteration, after beforeIteration: nothing to compare with yet.
      return List.of();
    }
    return List.of(new ScalarResult("log.bytes.norm", (double) (after - before) / ops, "B/op",
        AggregationPolicy.AVG));
  }
}
