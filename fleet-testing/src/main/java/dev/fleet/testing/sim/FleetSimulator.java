package dev.fleet.testing.sim;

import dev.fleet.MachineId;
import java.time.Duration;
import java.util.Objects;

/**
 * A deterministic fleet simulator on virtual time: N machines whose agents heartbeat with jitter, pause,
 * crash, restart, sleep and lose their network on a {@link FaultSchedule}, while a {@link Workload} submits
 * tasks that the agents run. It drives a real fleet, built by a {@link FleetFactory}, through its public API,
 * and records what happened in a {@link SimulationResult}.
 *
 * <p>Everything runs on the calling thread over one {@link dev.fleet.testing.ManualScheduler}, and all
 * randomness comes from {@link java.util.SplittableRandom}s split from the seed (pauses, workload, and each
 * agent's heartbeat jitter on their own streams), so the same seed gives the same run, event for event. Faults,
 * pauses, submissions and heartbeat times do not depend on what the fleet decides, so two fleets (say, two
 * failure detectors) face exactly the same run.
 *
 * <p>A run has two phases. For {@link Builder#duration} faults happen and tasks arrive. Then it settles: no
 * new faults or tasks, partitions heal, sleepers wake, crashed agents restart, drained machines are undrained,
 * and time runs on until every task is final or {@link Builder#settleLimit} has passed.
 *
 * <p>The simulator is immutable; {@link #run()} may be called more than once, each time on one thread, and
 * starts afresh each time.
 */
public final class FleetSimulator {
  final FleetFactory factory;
  final long seed;
  final int machines;
  final int laptops;
  final Duration interval;
  final Duration jitter;
  final Duration latency;
  final PauseModel pauses;
  final FaultSchedule faults;
  final Workload workload;
  final Duration duration;
  final Duration settleLimit;

  private FleetSimulator(Builder b) {
    this.factory = b.factory;
    this.seed = b.seed;
    this.machines = b.machines;
    this.laptops = b.laptops;
    this.interval = b.interval;
    this.jitter = b.jitter == null ? b.interval.dividedBy(10) : b.jitter;
    this.latency = b.latency;
    this.pauses = b.pauses;
    this.faults = b.faults;
    this.workload = b.workload;
    this.duration = b.duration;
    this.settleLimit = b.settleLimit;
    if (jitter.compareTo(interval) >= 0) {
      throw new IllegalArgumentException("jitter " + jitter + " must be less than the interval " + interval);
    }
    if (faults.machinesNamed() > machines) {
      throw new IllegalArgumentException("the fault schedule names machine " + (faults.machinesNamed() - 1)
          + " but there are only " + machines + " machines (0 to " + (machines - 1) + ")");
    }
    if (laptops > machines) {
      throw new IllegalArgumentException("laptops " + laptops + " must be at most machines " + machines);
    }
  }

  /**
   * Starts configuring a simulator of the fleet that {@code factory} builds.
   *
   * @param factory builds a fresh fleet for each run
   * @return a builder with every default set
   * @throws NullPointerException if {@code factory} is null
   */
  public static Builder newBuilder(FleetFactory factory) {
    return new Builder(factory);
  }

  /**
   * The id of simulated machine {@code i}: {@code m0}, {@code m1}, ...
   *
   * @param i the machine's number, from 0
   * @return its id in the fleet
   */
  public static MachineId machineId(int i) {
    return MachineId.of("m" + i);
  }

  /**
   * Runs the simulation from the start, on the calling thread, with a fresh fleet.
   *
   * @return what happened
   */
  public SimulationResult run() {
    return new SimRun(this).execute();
  }

  /**
   * Configures a {@link FleetSimulator}; every setting has a default.
   *
   * <p>Defaults: seed 1, 5 machines (none laptops), heartbeats every 5 s with a jitter of a tenth of that, 5 ms
   * network latency, no pauses, no faults, {@link Workload#steady} at 6 tasks a minute, 10 minutes of faults
   * and arrivals, then up to 2 hours to settle. Machines numbered from {@code machines - laptops} on are
   * labelled {@code form=laptop} and report an idle owner, so the fleet takes their silence for sleep.
   *
   * <p>Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final FleetFactory factory;
    private long seed = 1;
    private int machines = 5;
    private int laptops;
    private Duration interval = Duration.ofSeconds(5);
    private Duration jitter;
    private Duration latency = Duration.ofMillis(5);
    private PauseModel pauses = PauseModel.none();
    private FaultSchedule faults = FaultSchedule.none();
    private Workload workload = Workload.steady(6);
    private Duration duration = Duration.ofMinutes(10);
    private Duration settleLimit = Duration.ofHours(2);

    private Builder(FleetFactory factory) {
      this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * The seed every random choice of the run is split from; the same seed gives the same run.
     *
     * @param seed any value; 1 by default
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * How many machines, at least 1.
     *
     * @param machines how many machines; 5 by default
     * @return this builder
     */
    public Builder machines(int machines) {
      if (machines < 1) {
        throw new IllegalArgumentException("machines must be >= 1, got " + machines);
      }
      this.machines = machines;
      return this;
    }

    /**
     * How many of the machines (the last ones) are laptops.
     *
     * @param laptops how many laptops, 0 to {@code machines}; 0 by default
     * @return this builder
     */
    public Builder laptops(int laptops) {
      if (laptops < 0) {
        throw new IllegalArgumentException("laptops must be >= 0, got " + laptops);
      }
      this.laptops = laptops;
      return this;
    }

    /**
     * How often agents heartbeat; the fleet must be built with the same interval.
     *
     * @param interval the heartbeat interval; positive; 5 s by default
     * @return this builder
     */
    public Builder heartbeatInterval(Duration interval) {
      this.interval = SimChecks.positive("heartbeatInterval", interval);
      return this;
    }

    /**
     * Each heartbeat comes up to this much early or late, uniformly; less than the interval.
     *
     * @param jitter the most a heartbeat is early or late; zero or more; a tenth of the interval by default
     * @return this builder
     */
    public Builder jitter(Duration jitter) {
      this.jitter = SimChecks.notNegative("jitter", jitter);
      return this;
    }

    /**
     * How long a message (assignment, withdrawal, report) takes to arrive.
     *
     * @param latency the one-way delay; zero or more; 5 ms by default
     * @return this builder
     */
    public Builder latency(Duration latency) {
      this.latency = SimChecks.notNegative("latency", latency);
      return this;
    }

    /**
     * Random pauses on top of the fault schedule.
     *
     * @param pauses the pause model; {@link PauseModel#none()} by default
     * @return this builder
     */
    public Builder pauses(PauseModel pauses) {
      this.pauses = Objects.requireNonNull(pauses, "pauses");
      return this;
    }

    /**
     * What goes wrong, and when.
     *
     * @param faults the fault schedule; {@link FaultSchedule#none()} by default
     * @return this builder
     */
    public Builder faults(FaultSchedule faults) {
      this.faults = Objects.requireNonNull(faults, "faults");
      return this;
    }

    /**
     * What is submitted.
     *
     * @param workload the workload; 6 tasks a minute, steady, by default
     * @return this builder
     */
    public Builder workload(Workload workload) {
      this.workload = Objects.requireNonNull(workload, "workload");
      return this;
    }

    /**
     * How long faults happen and tasks arrive, before the run settles.
     *
     * @param duration the length of the first phase; positive; 10 minutes by default
     * @return this builder
     */
    public Builder duration(Duration duration) {
      this.duration = SimChecks.positive("duration", duration);
      return this;
    }

    /**
     * How long the run may take to settle before it ends with tasks unfinished.
     *
     * @param limit the most virtual time to settle; zero or more; 2 hours by default
     * @return this builder
     */
    public Builder settleLimit(Duration limit) {
      this.settleLimit = SimChecks.notNegative("settleLimit", limit);
      return this;
    }

    /**
     * The simulator, checked as a whole.
     *
     * @return an immutable simulator
     * @throws IllegalArgumentException if the jitter is not below the interval, the schedule names a machine the
     *     run lacks, or there are more laptops than machines
     */
    public FleetSimulator build() {
      return new FleetSimulator(this);
    }
  }
}
