package dev.fleet.bench;

import static dev.fleet.bench.FleetShape.BEAT_RING;
import static dev.fleet.bench.FleetShape.DECISIONS_PER_HEARTBEAT;
import static dev.fleet.bench.FleetShape.TASK_RING;

import dev.fleet.Decision;
import dev.fleet.Dispatcher;
import dev.fleet.Heartbeat;
import dev.fleet.HeartbeatMonitor;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import dev.fleet.TaskStatus;
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
 * One dispatch decision at a time, on one thread: Fleet through its public API against the seed's
 * algorithm on the same fleets and tasks, with a heartbeat changing some machine's load between every
 * {@value FleetShape#DECISIONS_PER_HEARTBEAT} decisions in both.
 *
 * <p>{@link #fleetPlan} is the decision itself ({@code Dispatcher.plan}: the machine the task would go to,
 * nothing changed). {@link #fleetSubmitComplete} is the full cycle: submit (which reserves load on the
 * chosen machine and records the attempt) and the result coming back. {@link #seedDispatch} is the seed's
 * {@code dispatch(task)}. Every op replays precomputed tasks and heartbeats; JMH runs each on one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class DecisionBenchmark {

  /** Tasks in the submit ring; ids come round again only after the earlier task with that id finished. */
  static final int SUBMIT_RING = 1 << 16;

  /** A fleet built from the shape, with its task and heartbeat rings; subclasses give the sizes. */
  public abstract static class FleetBase {
    FleetFixture fixture;
    Dispatcher dispatcher;
    HeartbeatMonitor monitor;
    Task[] tasks;
    Heartbeat[] beats;
    int nextTask;
    int nextBeat;
    int untilBeat = DECISIONS_PER_HEARTBEAT;

    @Setup(Level.Trial)
    public void setUp() {
      fixture = newFixture(FleetShape.of(size()));
      dispatcher = fixture.fleet.dispatcher();
      monitor = fixture.fleet.monitor();
      tasks = ringOf(fixture);
      beats = fixture.heartbeats;
    }

    /** The fleet size: the subclass's parameter. */
    abstract int size();

    FleetFixture newFixture(FleetShape shape) {
      return new FleetFixture(shape);
    }

    Task[] ringOf(FleetFixture f) {
      return f.tasks;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      fixture.close();
    }

    /** Every {@value FleetShape#DECISIONS_PER_HEARTBEAT}th call, one heartbeat from the ring. */
    final void maybeHeartbeat() {
      if (--untilBeat == 0) {
        untilBeat = DECISIONS_PER_HEARTBEAT;
        monitor.heartbeat(beats[nextBeat++ & (BEAT_RING - 1)]);
      }
    }

    final Task nextTask() {
      return tasks[nextTask++ & (TASK_RING - 1)];
    }
  }

  /** The fleets of every size. */
  @State(Scope.Benchmark)
  public static class FleetState extends FleetBase {
    @Param({"10", "100", "1000", "10000", "100000"})
    public int machines;

    @Override
    int size() {
      return machines;
    }
  }

  /**
   * A fleet that forgets finished tasks at once ({@code finishedTaskRetention(0)}), so a ring of
   * {@value #SUBMIT_RING} task ids can be submitted again and again: a remembered id would be answered as a
   * duplicate instead of dispatched.
   */
  @State(Scope.Benchmark)
  public static class SubmitState extends FleetState {
    static final TaskResult DONE = TaskResult.success();

    @Override
    FleetFixture newFixture(FleetShape shape) {
      return new FleetFixture(shape, b -> b.finishedTaskRetention(0));
    }

    @Override
    Task[] ringOf(FleetFixture f) {
      return FleetFixture.tasks(f.shape, "s-", SUBMIT_RING);
    }

    final Task nextSubmit() {
      return tasks[nextTask++ & (SUBMIT_RING - 1)];
    }
  }

  /** The seed's registry of the same shape, and its tasks and heartbeats. */
  @State(Scope.Benchmark)
  public static class SeedState {
    @Param({"10", "100", "1000", "10000", "100000"})
    public int machines;

    FleetShape shape;
    SeedDispatcher seed;
    SeedDispatcher.SeedTask[] tasks;
    int nextTask;
    int nextBeat;
    int untilBeat = DECISIONS_PER_HEARTBEAT;

    @Setup(Level.Trial)
    public void setUp() {
      shape = FleetShape.of(machines);
      seed = new SeedDispatcher(shape);
      tasks = SeedDispatcher.tasks(shape);
    }

    final void maybeHeartbeat() {
      if (--untilBeat == 0) {
        untilBeat = DECISIONS_PER_HEARTBEAT;
        int b = nextBeat++ & (BEAT_RING - 1);
        seed.heartbeat(shape.beatMachine[b], shape.beatLoad[b]);
      }
    }
  }

  /** Fleet: where would this task go? */
  @Benchmark
  public Decision fleetPlan(FleetState s) {
    s.maybeHeartbeat();
    return s.dispatcher.plan(s.nextTask());
  }

  /** Fleet: dispatch a task for real, then accept its result. */
  @Benchmark
  public TaskStatus fleetSubmitComplete(SubmitState s) {
    s.maybeHeartbeat();
    Task t = s.nextSubmit();
    Decision d = s.dispatcher.submit(t);
    if (!(d instanceof Decision.Dispatched x) || x.isPlan()) {
      throw new IllegalStateException("expected a dispatch of " + t.id() + ", got " + d);
    }
    return s.dispatcher.complete(t.id(), x.token(), SubmitState.DONE);
  }

  /** The seed's algorithm: filter the registry list, sort by load, take the first. */
  @Benchmark
  public SeedDispatcher.SeedResult seedDispatch(SeedState s) {
    s.maybeHeartbeat();
    return s.seed.dispatch(s.tasks[s.nextTask++ & (TASK_RING - 1)]);
  }
}
