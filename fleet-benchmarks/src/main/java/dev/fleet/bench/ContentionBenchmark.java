package dev.fleet.bench;

import static dev.fleet.bench.FleetShape.BEAT_RING;
import static dev.fleet.bench.FleetShape.TASK_RING;

import dev.fleet.Decision;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import dev.fleet.Task;
import dev.fleet.TaskStatus;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Contention on one fleet: two threads dispatching while a third sends heartbeats as fast as it can.
 *
 * <p>Group {@code plan}: two threads ask for decisions ({@code Dispatcher.plan}). Group {@code submit}:
 * two threads submit tasks and complete them. In both a third thread streams heartbeats, each a new
 * {@link Heartbeat} with the next sequence number, as an agent would send. JMH reports each thread kind's
 * throughput (summed over its threads) and the group's total; on two cores three busy threads share two.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class ContentionBenchmark {

  /** The fleet the group shares. */
  @State(Scope.Group)
  public static class Shared {
    @Param({"1000", "100000"})
    public int machines;

    FleetFixture fixture;

    @Setup(Level.Trial)
    public void setUp() {
      fixture = new FleetFixture(FleetShape.of(machines), b -> b.finishedTaskRetention(0));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      fixture.close();
    }
  }

  /** One dispatching thread's own tasks; ids carry the thread's index so the threads never collide. */
  @State(Scope.Thread)
  public static class Dispatching {
    Task[] planTasks;
    Task[] submitTasks;
    int next;

    @Setup(Level.Trial)
    public void setUp(Shared shared, ThreadParams thread) {
      planTasks = shared.fixture.tasks;
      submitTasks = FleetFixture.tasks(shared.fixture.shape, "c" + thread.getThreadIndex() + "-",
          DecisionBenchmark.SUBMIT_RING);
    }
  }

  /** The heartbeat stream: the shape's heartbeat ring with rising sequence numbers per machine. */
  @State(Scope.Thread)
  public static class Beating {
    MachineId[] ids;
    long[] sequence;
    int[] machine;
    double[] load;
    int next;

    @Setup(Level.Trial)
    public void setUp(Shared shared) {
      ids = shared.fixture.machineIds;
      sequence = new long[ids.length];
      machine = shared.fixture.shape.beatMachine;
      load = shared.fixture.shape.beatLoad;
    }

    final Heartbeat nextHeartbeat() {
      int b = next++ & (BEAT_RING - 1);
      int m = machine[b];
      return new Heartbeat(ids[m], ++sequence[m], load[b], Signals.NONE);
    }
  }

  @Benchmark
  @Group("plan")
  @GroupThreads(2)
  public Decision plan(Shared s, Dispatching d) {
    return s.fixture.fleet.dispatcher().plan(d.planTasks[d.next++ & (TASK_RING - 1)]);
  }

  @Benchmark
  @Group("plan")
  @GroupThreads(1)
  public boolean planHeartbeats(Shared s, Beating b) {
    return s.fixture.fleet.monitor().heartbeat(b.nextHeartbeat());
  }

  @Benchmark
  @Group("submit")
  @GroupThreads(2)
  public TaskStatus submitComplete(Shared s, Dispatching d) {
    Task t = d.submitTasks[d.next++ & (DecisionBenchmark.SUBMIT_RING - 1)];
    Decision decision = s.fixture.fleet.dispatcher().submit(t);
    if (!(decision instanceof Decision.Dispatched x) || x.isPlan()) {
      throw new IllegalStateException("expected a dispatch of " + t.id() + ", got " + decision);
    }
    return s.fixture.fleet.dispatcher().complete(t.id(), x.token(), DecisionBenchmark.SubmitState.DONE);
  }

  @Benchmark
  @Group("submit")
  @GroupThreads(1)
  public boolean submitHeartbeats(Shared s, Beating b) {
    return s.fixture.fleet.monitor().heartbeat(b.nextHeartbeat());
  }
}
