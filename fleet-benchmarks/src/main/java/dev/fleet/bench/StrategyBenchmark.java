package dev.fleet.bench;

import dev.fleet.Decision;
import dev.fleet.core.Strategies;
import dev.fleet.spi.PlacementStrategy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dispatch decision ({@code plan}) under every placement strategy that ships, and under a custom
 * strategy built with {@link PlacementStrategy#of}, which goes through the generic filter → score →
 * select path: a scan of every machine with the task's capability. Same fleets, tasks and heartbeats as
 * {@link DecisionBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class StrategyBenchmark {

  /** The custom strategy: no extra filter, score = load; so it picks what least-loaded picks, by scanning. */
  static final PlacementStrategy SCAN =
      PlacementStrategy.of("custom-scan", (task, candidate) -> null, (task, candidate) -> candidate.load());

  /** A fleet using the named strategy. */
  @State(Scope.Benchmark)
  public static class StrategyState extends DecisionBenchmark.FleetBase {
    @Param({"100", "1000", "100000"})
    public int machines;

    @Param({"least-loaded", "bin-pack", "spread", "power-of-two", "role-first", "custom-scan"})
    public String strategy;

    @Override
    FleetFixture newFixture(FleetShape shape) {
      PlacementStrategy s = strategy.equals("custom-scan") ? SCAN : Strategies.byName(strategy);
      return new FleetFixture(shape, s);
    }

    @Override
    int size() {
      return machines;
    }
  }

  @Benchmark
  public Decision plan(StrategyState s) {
    s.maybeHeartbeat();
    return s.dispatcher.plan(s.nextTask());
  }
}
