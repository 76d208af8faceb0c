package dev.fleet.bench;

import dev.fleet.Decision;
import dev.fleet.Subscription;
import dev.fleet.Task;
import dev.fleet.TaskStatus;
import dev.fleet.micrometer.FleetMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics cost the dispatch path: {@link DecisionBenchmark}'s {@code fleetPlan} and
 * {@code fleetSubmitComplete}, in the same run, on a fleet with nothing watching it ({@code none}), with a listener
 * that does nothing ({@code listener}: the fleet then builds its task events, which a coordinator does anyway for its
 * event stream), and with {@link FleetMetrics} bound to a Prometheus registry ({@code micrometer}).
 *
 * <p>The fixture delivers events on the calling thread, so {@code listener} and {@code micrometer} include what
 * the event thread would do (the timers' bookkeeping): an upper bound of what the request thread pays, which in a
 * coordinator is only the counters' adds and the events' building.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class MetricsBenchmark {

  /** A submit-and-complete fleet with metrics bound, a listener, or nothing, per {@link #metrics}. */
  @State(Scope.Benchmark)
  public static class Metered extends DecisionBenchmark.SubmitState {
    @Param({"none", "listener", "micrometer"})
    public String metrics;

    private Subscription watching;

    @Setup(Level.Trial)
    public void watch() {
      switch (metrics) {
        case "none" -> watching = () -> { };
        case "listener" -> watching = fixture.fleet.subscribe(event -> { });
        case "micrometer" -> {
          PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
          FleetMetrics m = new FleetMetrics(fixture.fleet, fixture.ticker, java.util.List.of());
          m.bindTo(registry);
          watching = () -> {
            m.close();
            registry.close();
          };
        }
        default -> throw new IllegalArgumentException("metrics must be none, listener or micrometer, got " + metrics);
      }
    }

    @TearDown(Level.Trial)
    public void unwatch() {
      watching.close();
    }
  }

  /** Where would this task go? (Dispatcher.plan: no change, no event.) */
  @Benchmark
  public Decision plan(Metered s) {
    s.maybeHeartbeat();
    return s.dispatcher.plan(s.nextTask());
  }

  /** Dispatch a task for real, then accept its result. */
  @Benchmark
  public TaskStatus submitComplete(Metered s) {
    s.maybeHeartbeat();
    Task t = s.nextSubmit();
    Decision d = s.dispatcher.submit(t);
    if (!(d instanceof Decision.Dispatched x) || x.isPlan()) {
      throw new IllegalStateException("expected a dispatch of " + t.id() + ", got " + d);
    }
    return s.dispatcher.complete(t.id(), x.token(), DecisionBenchmark.SubmitState.DONE);
  }
}
