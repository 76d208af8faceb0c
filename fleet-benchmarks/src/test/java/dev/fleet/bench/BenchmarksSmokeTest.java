package dev.fleet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI's smoke pass: every benchmark runs once, briefly, in this JVM, on small fleets, so a broken
 * benchmark fails the build. The figures mean nothing.
 */
class BenchmarksSmokeTest {

  /** Every benchmark of the module, as JMH names them; a new one must be added here and to the README. */
  private static final Set<String> ALL = Set.of(
      "dev.fleet.bench.ContentionBenchmark.plan",
      "dev.fleet.bench.ContentionBenchmark.submit",
      "dev.fleet.bench.DecisionBenchmark.fleetPlan",
      "dev.fleet.bench.DecisionBenchmark.fleetSubmitComplete",
      "dev.fleet.bench.DecisionBenchmark.seedDispatch",
      "dev.fleet.bench.DurableBenchmark.durableSubmit64",
      "dev.fleet.bench.DurableBenchmark.durableSubmitAll100",
      "dev.fleet.bench.DurableBenchmark.memorySubmit64",
      "dev.fleet.bench.DurableBenchmark.replayHistory",
      "dev.fleet.bench.DurableBenchmark.restartFromSnapshot",
      "dev.fleet.bench.FenzoBenchmark.fenzoExact",
      "dev.fleet.bench.FenzoBenchmark.fenzoExactSingleOffer",
      "dev.fleet.bench.FenzoBenchmark.fenzoGoodEnough",
      "dev.fleet.bench.HeartbeatBenchmark.ingest",
      "dev.fleet.bench.HeartbeatBenchmark.ingestAndDecide",
      "dev.fleet.bench.JournalBenchmark.appendSync64",
      "dev.fleet.bench.JournalBenchmark.batchOf100",
      "dev.fleet.bench.JournalBenchmark.replay",
      "dev.fleet.bench.PolicyBenchmark.plan",
      "dev.fleet.bench.ReplicatedJournalBenchmark.appendSync64",
      "dev.fleet.bench.ReplicatedJournalBenchmark.submit64",
      "dev.fleet.bench.ReplicatedJournalBenchmark.submit64Latency",
      "dev.fleet.bench.HeartbeatBenchmark.sweep",
      "dev.fleet.bench.StrategyBenchmark.plan",
      "dev.fleet.bench.MetricsBenchmark.plan",
      "dev.fleet.bench.MetricsBenchmark.submitComplete");

  @Test
  void everyBenchmarkRunsAndProducesAScore() throws Exception {
    // A smoke pass measures nothing, so a real benchmark run elsewhere on the machine is no reason to fail.
    System.setProperty("jmh.ignoreLock", "true");
    Options options = new OptionsBuilder()
        .include("dev\\.fleet\\.bench\\..*Benchmark\\..*")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(100))
        .param("machines", "100")
        .param("records", "1000")
        .param("events", "4000")
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    Set<String> ran = new TreeSet<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      ran.add(name);
      double score = r.getPrimaryResult().getScore();
      assertTrue(score > 0, name + " scored " + score);
    }
    assertEquals(new TreeSet<>(ALL), ran);
    // six strategies, two tickers for each of the two ingest benchmarks, three metrics settings for each of the two
    // MetricsBenchmark ones, two journals for each replicated one
    assertEquals(ALL.size() + 5 + 1 + 1 + 2 + 2 + 3, results.size());
  }

  @Test
  void memoryFootprintMeasures() {
    MemoryFootprint.Result r = MemoryFootprint.measure(1000);
    assertTrue(r.bytesPerMachine() > 100 && r.bytesPerMachine() < 10_000, r.toString());
  }
}
