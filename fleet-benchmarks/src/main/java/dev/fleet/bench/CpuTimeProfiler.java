package dev.fleet.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof dev.fleet.bench.CpuTimeProfiler}) reporting CPU time per operation, which a
 * shared machine distorts far less than wall-clock throughput: {@code cpu.process.norm} is the whole JVM's
 * CPU time (benchmark threads, a peer's own pool threads, GC, JIT) per op, {@code cpu.workers.norm} that
 * of the benchmark's own threads only.
 *
 * <p>Like JMH's GC profiler it counts over the whole iteration and divides by all its ops. JMH calls it
 * from one thread at a time.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long processBefore;
  private Map<Long, Long> workersBefore = new HashMap<>();

  @Override
  public String getDescription() {
    return "CPU time per op: the whole process, and the benchmark's own threads";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    workersBefore = workerTimes();
    processBefore = os.getProcessCpuTime();
  }

  @Override
  public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
      IterationResult result) {
    long process = os.getProcessCpuTime() - processBefore;
    long workers = 0;
    for (Map.Entry<Long, Long> e : workerTimes().entrySet()) {
      workers += e.getValue() - workersBefore.getOrDefault(e.getKey(), 0L);
    }
    long ops = result.getMetadata().getAllOps();
    return List.of(
        new ScalarResult("cpu.process.norm", ops == 0 ? Double.NaN : (double) process / ops, "ns/op",
            AggregationPolicy.AVG),
        new ScalarResult("cpu.workers.norm", ops == 0 ? Double.NaN : (double) workers / ops, "ns/op",
            AggregationPolicy.AVG));
  }

  /** CPU time so far of each live benchmark thread (JMH names them {@code ...-jmh-worker-N}). */
  private Map<Long, Long> workerTimes() {
    Map<Long, Long> out = new HashMap<>();
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && t.getThreadName().contains("jmh-worker")) {
        long cpu = threads.getThreadCpuTime(t.getThreadId());
        if (cpu >= 0) {
          out.put(t.getThreadId(), cpu);
        }
      }
    }
    return out;
  }
}
