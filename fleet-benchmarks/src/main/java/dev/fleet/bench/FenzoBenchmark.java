package dev.fleet.bench;

import static dev.fleet.bench.FleetShape.BEAT_RING;
import static dev.fleet.bench.FleetShape.DECISIONS_PER_HEARTBEAT;

import com.netflix.fenzo.SchedulingResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Netflix Fenzo placing the same tasks on the same hosts as {@link DecisionBenchmark}, in batches of
 * {@value FenzoPeer#BATCH} tasks per {@code scheduleOnce}, with the same heartbeats between them. Scores
 * are assignments per second (one op is one task). See {@link FenzoPeer} for the mapping and settings.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class FenzoBenchmark {

  /** Shared by both modes. */
  public abstract static class PeerState {
    FenzoPeer peer;
    FleetShape shape;
    int nextBeat;

    abstract int machines();

    abstract FenzoPeer.Mode mode();

    boolean singleOffer() {
      return false;
    }

    @Setup(Level.Trial)
    public void setUp() {
      shape = FleetShape.of(machines());
      peer = new FenzoPeer(shape, mode(), singleOffer());
      peer.scheduleBatch(); // the first call takes in every host's lease
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      peer.close();
    }

    final SchedulingResult batch() {
      for (int i = 0; i < FenzoPeer.BATCH / DECISIONS_PER_HEARTBEAT; i++) {
        int b = nextBeat++ & (BEAT_RING - 1);
        peer.heartbeat(shape.beatMachine[b], shape.beatLoad[b]);
      }
      return peer.scheduleBatch();
    }
  }

  /** Fenzo evaluating every host: the seed's answer. */
  @State(Scope.Benchmark)
  public static class ExactState extends PeerState {
    @Param({"10", "100", "1000", "10000", "100000"})
    public int machines;

    @Override
    int machines() {
      return machines;
    }

    @Override
    FenzoPeer.Mode mode() {
      return FenzoPeer.Mode.EXACT;
    }
  }

  /** Fenzo stopping at the first host that is good enough. */
  @State(Scope.Benchmark)
  public static class GoodEnoughState extends PeerState {
    @Param({"1000", "10000"})
    public int machines;

    @Override
    int machines() {
      return machines;
    }

    @Override
    FenzoPeer.Mode mode() {
      return FenzoPeer.Mode.GOOD_ENOUGH;
    }
  }

  /** Fenzo evaluating every host, each host offered once ({@code withSingleOfferPerVM(true)}). */
  @State(Scope.Benchmark)
  public static class SingleOfferState extends PeerState {
    @Param({"1000", "10000"})
    public int machines;

    @Override
    int machines() {
      return machines;
    }

    @Override
    FenzoPeer.Mode mode() {
      return FenzoPeer.Mode.EXACT;
    }

    @Override
    boolean singleOffer() {
      return true;
    }
  }

  @Benchmark
  @OperationsPerInvocation(FenzoPeer.BATCH)
  public SchedulingResult fenzoExactSingleOffer(SingleOfferState s) {
    return s.batch();
  }

  @Benchmark
  @OperationsPerInvocation(FenzoPeer.BATCH)
  public SchedulingResult fenzoExact(ExactState s) {
    return s.batch();
  }

  @Benchmark
  @OperationsPerInvocation(FenzoPeer.BATCH)
  public SchedulingResult fenzoGoodEnough(GoodEnoughState s) {
    return s.batch();
  }
}
