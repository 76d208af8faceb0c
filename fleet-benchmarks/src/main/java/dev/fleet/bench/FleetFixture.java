package dev.fleet.bench;

import dev.fleet.Fleet;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.core.FleetBuilder;
import dev.fleet.core.Fleets;
import dev.fleet.spi.PlacementStrategy;
import dev.fleet.spi.Ticker;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real {@link Fleet}, built through the public builder, holding the machines of a {@link FleetShape}
 * at their loads, plus the shape's tasks and heartbeats as API objects ready to replay.
 *
 * <p>Time is a {@link FakeTicker} that does not move (unless the system ticker is asked for) and sweeps
 * wait on a {@link ManualScheduler} that is never advanced, so no background thread touches the fleet during a measurement; events are delivered
 * on the calling thread (there are no listeners). The fleet itself is thread-safe; the replay arrays
 * must not be written.
 */
public final class FleetFixture implements AutoCloseable {
  public final FleetShape shape;
  public final FakeTicker ticker = new FakeTicker(1_000_000_000L);
  public final Fleet fleet;
  public final MachineId[] machineIds;
  /** The shape's task ring as tasks with ids {@code t-0 ...}. */
  public final Task[] tasks;
  /**
   * The shape's heartbeat ring. Each carries sequence 0, the sequence an agent starts a run with, which
   * the monitor always accepts, so the ring can be replayed forever without building new heartbeats.
   */
  public final Heartbeat[] heartbeats;

  public FleetFixture(FleetShape shape) {
    this(shape, b -> {});
  }

  public FleetFixture(FleetShape shape, PlacementStrategy strategy) {
    this(shape, b -> b.placementStrategy(strategy));
  }

  public FleetFixture(FleetShape shape, Consumer<FleetBuilder> configure) {
    this(shape, configure, false);
  }

  /**
   * A fleet whose every time reading is {@link Ticker#system()} if {@code systemTicker}, else {@link #ticker}
   * (which sweeps wait on either way).
   */
  public FleetFixture(FleetShape shape, Consumer<FleetBuilder> configure, boolean systemTicker) {
    this.shape = shape;
    FleetBuilder b = Fleets.newBuilder()
        .ticker(systemTicker ? Ticker.system() : ticker)
        .scheduler(new ManualScheduler(ticker))
        .eventExecutor(Runnable::run);
    configure.accept(b);
    fleet = b.build();
    machineIds = new MachineId[shape.size];
    for (int i = 0; i < shape.size; i++) {
      Machine m = machine(shape, i);
      machineIds[i] = m.id();
      Health h = shape.kinds[i] == FleetShape.Kind.OFFLINE ? Health.OFFLINE : Health.ONLINE;
      fleet.registry().register(m, h, shape.loads[i]);
    }
    tasks = tasks(shape, "t-", FleetShape.TASK_RING);
    heartbeats = new Heartbeat[FleetShape.BEAT_RING];
    for (int b2 = 0; b2 < heartbeats.length; b2++) {
      heartbeats[b2] = new Heartbeat(machineIds[shape.beatMachine[b2]], 0, shape.beatLoad[b2], Signals.NONE);
    }
  }

  /** Machine {@code i} of the shape as a registration. */
  public static Machine machine(FleetShape shape, int i) {
    return new Machine(MachineId.of(shape.ids[i]), shape.hostnames[i], shape.roles[i],
        new LinkedHashSet<>(Arrays.asList(shape.capabilities[i])), Specs.NONE, Map.of());
  }

  /** {@code count} tasks with ids {@code prefix + i}, requiring the shape's task capabilities in ring order. */
  public static Task[] tasks(FleetShape shape, String prefix, int count) {
    Task[] out = new Task[count];
    for (int i = 0; i < count; i++) {
      out[i] = Task.newBuilder(prefix + i).requires(shape.taskRequires[i % FleetShape.TASK_RING]).build();
    }
    return out;
  }

  @Override
  public void close() {
    fleet.close();
  }
}
