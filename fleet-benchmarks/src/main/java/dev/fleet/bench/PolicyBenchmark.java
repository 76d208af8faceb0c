package dev.fleet.bench;

import static dev.fleet.bench.FleetShape.BEAT_RING;

import dev.fleet.Decision;
import dev.fleet.Heartbeat;
import dev.fleet.Priority;
import dev.fleet.Signals;
import dev.fleet.Task;
import dev.fleet.Weight;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
 * The default path ({@code plan}, least-loaded, every default policy on) on a fleet where the policies have
 * something to decide, beside the plain fleet of {@link DecisionBenchmark} in the same run: the "before"
 * (policies with nothing to filter) and the "after" (policies filtering for real).
 *
 * <p>Same machines, loads and heartbeat timing as {@link DecisionBenchmark}, but every tenth machine is a
 * laptop on battery at 23%, every tenth throttled to 60% of its clock, every tenth has its owner at the
 * keyboard and every tenth an owner away for half an hour; the heartbeats keep reporting those signals.
 * Tasks: one in eight is heavy, one in eight background, one in sixteen urgent, the rest normal.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class PolicyBenchmark {

  static final Signals BATTERY = Signals.onBattery(23);
  static final Signals THROTTLED = new Signals(false, OptionalInt.empty(), true, Optional.empty(),
      Map.of("cpu.clock_ratio", 0.6));
  static final Signals OWNER_ACTIVE = new Signals(false, OptionalInt.empty(), false,
      Optional.of(Duration.ofSeconds(20)), Map.of());
  static final Signals OWNER_AWAY = new Signals(false, OptionalInt.empty(), false,
      Optional.of(Duration.ofMinutes(30)), Map.of());

  /** What machine {@code i} reports besides its load. */
  static Signals signalsOf(int i) {
    return switch (i % 10) {
      case 0 -> BATTERY;
      case 1 -> THROTTLED;
      case 2 -> OWNER_ACTIVE;
      case 3 -> OWNER_AWAY;
      default -> Signals.NONE;
    };
  }

  /** A fleet whose machines report power, heat and owner signals, and tasks of every priority and weight. */
  @State(Scope.Benchmark)
  public static class MeshState extends DecisionBenchmark.FleetBase {
    @Param({"100", "1000", "100000"})
    public int machines;

    @Override
    int size() {
      return machines;
    }

    @Override
    FleetFixture newFixture(FleetShape shape) {
      FleetFixture f = new FleetFixture(shape);
      for (int i = 0; i < shape.size; i++) {
        if (shape.kinds[i] != FleetShape.Kind.OFFLINE) {
          f.fleet.monitor().heartbeat(new Heartbeat(f.machineIds[i], 0, shape.loads[i], signalsOf(i)));
        }
      }
      for (int b = 0; b < BEAT_RING; b++) {
        int m = shape.beatMachine[b];
        f.heartbeats[b] = new Heartbeat(f.machineIds[m], 0, shape.beatLoad[b], signalsOf(m));
      }
      return f;
    }

    @Override
    Task[] ringOf(FleetFixture f) {
      Task[] out = new Task[FleetShape.TASK_RING];
      for (int i = 0; i < out.length; i++) {
        Task.Builder t = Task.newBuilder("p-" + i).requires(f.shape.taskRequires[i]);
        if (i % 8 == 1) {
          t.weight(Weight.HEAVY);
        } else if (i % 8 == 2) {
          t.priority(Priority.BACKGROUND);
        } else if (i % 16 == 3) {
          t.priority(Priority.URGENT);
        }
        out[i] = t.build();
      }
      return out;
    }
  }

  @Benchmark
  public Decision plan(MeshState s) {
    s.maybeHeartbeat();
    return s.dispatcher.plan(s.nextTask());
  }
}
