package dev.fleet.bench;

import static dev.fleet.bench.FleetShape.BEAT_RING;

import dev.fleet.Heartbeat;
import dev.fleet.HeartbeatMonitor;
import dev.fleet.MachineId;
import dev.fleet.Signals;
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
 * The heartbeat monitor in-process: ingesting heartbeats one by one, and the periodic sweep that looks
 * for silent machines.
 *
 * <p>{@link #ingest} builds each {@link Heartbeat} (next sequence number, a load from the shape's ring), as
 * an in-process agent or a transport would, and hands it to the monitor. A heartbeat records the load and
 * marks the machine stale in each index it belongs to (once, however many heartbeats come before the index
 * is read); the re-rank itself is paid by the next decision that reads the index, which the decision
 * benchmarks include. {@link #ingestAndDecide} is the same stream with one {@code plan} after every
 * {@value #HEARTBEATS_PER_DECISION} heartbeats, so the deferred re-ranking is paid inside the measured op;
 * its score counts heartbeats. Both run with a fake ticker and with {@code Ticker.system()}, whose one
 * reading per heartbeat is part of the real cost. {@link #sweep} runs {@code HeartbeatMonitor.sweep} over
 * the whole fleet at a time when nobody is overdue, which is the common case; divide by the fleet size for
 * the cost per machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class HeartbeatBenchmark {

  /** In {@link #ingestAndDecide}, one decision after every this many heartbeats. */
  static final int HEARTBEATS_PER_DECISION = 16;

  /** A fleet receiving heartbeats. */
  @State(Scope.Benchmark)
  public static class IngestState {
    @Param({"10000"})
    public int machines;

    /** {@code fake}: a FakeTicker; {@code system}: {@code Ticker.system()}, read once per heartbeat. */
    @Param({"fake", "system"})
    public String ticker;

    FleetFixture fixture;
    HeartbeatMonitor monitor;
    dev.fleet.Dispatcher dispatcher;
    dev.fleet.Task[] tasks;
    int nextTask;
    MachineId[] ids;
    long[] sequence;
    int[] machine;
    double[] load;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      fixture = new FleetFixture(FleetShape.of(machines), b -> {}, switch (ticker) {
        case "fake" -> false;
        case "system" -> true;
        default -> throw new IllegalArgumentException("ticker '" + ticker + "' is not one of fake, system");
      });
      monitor = fixture.fleet.monitor();
      dispatcher = fixture.fleet.dispatcher();
      tasks = fixture.tasks;
      ids = fixture.machineIds;
      sequence = new long[ids.length];
      machine = fixture.shape.beatMachine;
      load = fixture.shape.beatLoad;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      fixture.close();
    }
  }

  /** A fleet being swept. */
  @State(Scope.Benchmark)
  public static class SweepState {
    @Param({"100000"})
    public int machines;

    FleetFixture fixture;
    HeartbeatMonitor monitor;
    long now;

    @Setup(Level.Trial)
    public void setUp() {
      fixture = new FleetFixture(FleetShape.of(machines));
      monitor = fixture.fleet.monitor();
      // Two seconds after everyone was last heard: nobody is suspect yet.
      now = fixture.ticker.advance(2_000_000_000L).read();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      fixture.close();
    }
  }

  @Benchmark
  public boolean ingest(IngestState s) {
    int b = s.next++ & (BEAT_RING - 1);
    int m = s.machine[b];
    return s.monitor.heartbeat(new Heartbeat(s.ids[m], ++s.sequence[m], s.load[b], Signals.NONE));
  }

  /** Heartbeats with a decision after every {@value #HEARTBEATS_PER_DECISION}th; the score counts heartbeats. */
  @Benchmark
  public boolean ingestAndDecide(IngestState s) {
    int b = s.next++ & (BEAT_RING - 1);
    int m = s.machine[b];
    boolean taken = s.monitor.heartbeat(new Heartbeat(s.ids[m], ++s.sequence[m], s.load[b], Signals.NONE));
    if ((b & (HEARTBEATS_PER_DECISION - 1)) == 0) {
      return taken & s.dispatcher.plan(s.tasks[s.nextTask++ & (FleetShape.TASK_RING - 1)]) != null;
    }
    return taken;
  }

  /** One sweep of the whole fleet; the score is sweeps per second. */
  @Benchmark
  public long sweep(SweepState s) {
    return s.monitor.sweep(s.now);
  }
}
