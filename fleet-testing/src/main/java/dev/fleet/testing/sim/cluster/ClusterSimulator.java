package dev.fleet.testing.sim.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A deterministic simulation of replicated coordinators: 3 or 5 nodes run a simulated Raft over a fake
 * network that drops, delays and partitions messages; whichever node wins an election builds a fresh fleet
 * (through a {@link ClusterFleetFactory}) over its {@link dev.fleet.spi.Journal}, which replays what the
 * cluster committed; simulated agents heartbeat to the node they believe leads, follow redirects, run what
 * they are assigned and report to whichever node leads then; a client submits tasks the same way. Crashes,
 * pauses and partitions of the coordinators follow a list of {@link ClusterFault}s.
 *
 * <p>Everything runs on the calling thread on virtual time, and every random choice comes from the seed, so
 * the same seed gives the same run. A run has two phases: for {@link Builder#duration} faults happen and tasks
 * arrive; then the network calms (no loss, delay or partition), crashed nodes restart, paused ones resume, and
 * time runs on until the leader has every acknowledged task final or {@link Builder#settleLimit} has passed.
 *
 * <p>Immutable; {@link #run()} starts afresh each time, on one thread.
 */
public final class ClusterSimulator {
  final ClusterFleetFactory factory;
  final long seed;
  final int nodes;
  final int machines;
  final Duration interval;
  final Duration duration;
  final Duration settleLimit;
  final double tasksPerMinute;
  final double dropShare;
  final double delayShare;
  final Duration maxDelay;
  final Duration latency;
  final Duration stepDownGap;
  final Duration electionTimeout;
  final Duration raftHeartbeat;
  final List<ClusterFault> faults;
  final Set<ClusterFlaw> flaws;

  private ClusterSimulator(Builder b) {
    this.factory = b.factory;
    this.seed = b.seed;
    this.nodes = b.nodes;
    this.machines = b.machines;
    this.interval = b.interval;
    this.duration = b.duration;
    this.settleLimit = b.settleLimit;
    this.tasksPerMinute = b.tasksPerMinute;
    this.dropShare = b.dropShare;
    this.delayShare = b.delayShare;
    this.maxDelay = b.maxDelay;
    this.latency = b.latency;
    this.stepDownGap = b.stepDownGap;
    this.electionTimeout = b.electionTimeout;
    this.raftHeartbeat = b.raftHeartbeat;
    this.faults = List.copyOf(b.faults);
    this.flaws = b.flaws.isEmpty() ? Set.of() : Set.copyOf(b.flaws);
    for (ClusterFault f : faults) {
      if (f.node() >= nodes) {
        throw new IllegalArgumentException("fault " + f + " names node " + f.node() + " but there are only " + nodes
            + " nodes (0 to " + (nodes - 1) + ")");
      }
    }
    if (raftHeartbeat.compareTo(electionTimeout) >= 0) {
      throw new IllegalArgumentException("the Raft heartbeat " + raftHeartbeat + " must be shorter than the election"
          + " timeout " + electionTimeout);
    }
  }

  /**
   * Starts configuring a simulator of the fleet that {@code factory} builds on each leader.
   *
   * @param factory builds a fresh fleet each time a node wins an election
   * @return a builder with every default set
   * @throws NullPointerException if {@code factory} is null
   */
  public static Builder newBuilder(ClusterFleetFactory factory) {
    return new Builder(factory);
  }

  /**
   * Runs the simulation from the start, on the calling thread, with fresh nodes and fleets.
   *
   * @return what happened
   */
  public ClusterResult run() {
    return new ClusterRun(this).execute();
  }

  /**
   * Configures a {@link ClusterSimulator}; every setting has a default.
   *
   * <p>Defaults: seed 1, 3 nodes, 4 machines heartbeating every second, 60 s of faults and arrivals at 20 tasks
   * a minute, then up to 5 minutes to settle; messages between coordinators take 2 ms, 2% are lost and 2% late by
   * up to 2 s; a deposed node stops serving at once; an election timeout
   * of 1 s (a follower stands after 1 to 2 s without a leader) and a leader's heartbeat every 200 ms; no faults,
   * no flaws.
   *
   * <p>Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final ClusterFleetFactory factory;
    private long seed = 1;
    private int nodes = 3;
    private int machines = 4;
    private Duration interval = Duration.ofSeconds(1);
    private Duration duration = Duration.ofSeconds(60);
    private Duration settleLimit = Duration.ofMinutes(5);
    private double tasksPerMinute = 20;
    private double dropShare = 0.02;
    private double delayShare = 0.02;
    private Duration maxDelay = Duration.ofSeconds(2);
    private Duration latency = Duration.ofMillis(2);
    private Duration stepDownGap = Duration.ZERO;
    private Duration electionTimeout = Duration.ofSeconds(1);
    private Duration raftHeartbeat = Duration.ofMillis(200);
    private final List<ClusterFault> faults = new ArrayList<>();
    private final Set<ClusterFlaw> flaws = EnumSet.noneOf(ClusterFlaw.class);

    private Builder(ClusterFleetFactory factory) {
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
     * How many coordinators: 3 or 5.
     *
     * @param nodes 3 or 5; 3 by default
     * @return this builder
     */
    public Builder nodes(int nodes) {
      if (nodes != 3 && nodes != 5) {
        throw new IllegalArgumentException("nodes must be 3 or 5, got " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    /**
     * How many machines run agents, at least 1.
     *
     * @param machines at least 1; 4 by default
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
     * How often agents heartbeat; the fleet must be built with the same interval.
     *
     * @param interval positive; 1 s by default
     * @return this builder
     */
    public Builder heartbeatInterval(Duration interval) {
      this.interval = positive("heartbeatInterval", interval);
      return this;
    }

    /**
     * How long faults happen and tasks arrive.
     *
     * @param duration positive; 60 s by default
     * @return this builder
     */
    public Builder duration(Duration duration) {
      this.duration = positive("duration", duration);
      return this;
    }

    /**
     * How long the run may take to settle before it ends with tasks unfinished.
     *
     * @param limit positive; 5 minutes by default
     * @return this builder
     */
    public Builder settleLimit(Duration limit) {
      this.settleLimit = positive("settleLimit", limit);
      return this;
    }

    /**
     * How many tasks arrive per minute on average (a Poisson process).
     *
     * @param perMinute a finite number, 0 or more; 20 by default
     * @return this builder
     */
    public Builder tasksPerMinute(double perMinute) {
      if (!(perMinute >= 0) || Double.isInfinite(perMinute)) {
        throw new IllegalArgumentException("tasksPerMinute must be a finite number >= 0, got " + perMinute);
      }
      this.tasksPerMinute = perMinute;
      return this;
    }

    /**
     * The share of messages between coordinators that are lost, and the share that arrive late (by up to
     * {@code maxDelay}), until the run settles.
     *
     * @param dropShare the share lost, 0 or more; 0.02 by default
     * @param delayShare the share late, 0 or more, with {@code dropShare} under 1; 0.02 by default
     * @param maxDelay how late a late message is at most; positive; 2 s by default
     * @return this builder
     */
    public Builder network(double dropShare, double delayShare, Duration maxDelay) {
      if (!(dropShare >= 0 && delayShare >= 0 && dropShare + delayShare < 1)) {
        throw new IllegalArgumentException("need shares >= 0 that add up to less than 1, got dropShare " + dropShare
            + " and delayShare " + delayShare);
      }
      this.dropShare = dropShare;
      this.delayShare = delayShare;
      this.maxDelay = positive("maxDelay", maxDelay);
      return this;
    }

    /**
     * How long a message between coordinators takes when it is neither lost nor late (default 2 ms).
     *
     * @param latency positive; 2 ms by default
     * @return this builder
     */
    public Builder latency(Duration latency) {
      this.latency = positive("latency", latency);
      return this;
    }

    /**
     * How long a node that knows it lost its term still lets its fleet answer agents and clients (default zero:
     * the coordinator stops serving at once, as the real one closes its HTTP coordinator on the role callback).
     * Its journal is fenced meanwhile, so writes fail; refusals and reads come from its stale state.
     *
     * @param gap zero or more; zero by default
     * @return this builder
     */
    public Builder stepDownGap(Duration gap) {
      Objects.requireNonNull(gap, "stepDownGap");
      if (gap.isNegative()) {
        throw new IllegalArgumentException("stepDownGap must not be negative, got " + gap);
      }
      this.stepDownGap = gap;
      return this;
    }

    /**
     * The election timeout and the leader's heartbeat interval of the simulated Raft.
     *
     * @param electionTimeout the shortest a follower waits for a leader before it stands; positive; 1 s by default
     * @param heartbeat how often the leader heartbeats its followers; positive, shorter than {@code electionTimeout}; 200 ms by default
     * @return this builder
     */
    public Builder raftTiming(Duration electionTimeout, Duration heartbeat) {
      this.electionTimeout = positive("electionTimeout", electionTimeout);
      this.raftHeartbeat = positive("raft heartbeat", heartbeat);
      return this;
    }

    /**
     * What goes wrong, and when.
     *
     * @param faults every fault, in any order; replaces those given before
     * @return this builder
     */
    public Builder faults(List<ClusterFault> faults) {
      this.faults.clear();
      for (ClusterFault f : faults) {
        this.faults.add(Objects.requireNonNull(f, "a fault must not be null"));
      }
      return this;
    }

    /**
     * Protections to remove, to show that the properties catch their absence; none by default.
     *
     * @param flaws the protections to remove; replaces those given before
     * @return this builder
     */
    public Builder flaws(Set<ClusterFlaw> flaws) {
      this.flaws.clear();
      this.flaws.addAll(flaws);
      return this;
    }

    /**
     * The simulator, checked as a whole.
     *
     * @return an immutable simulator
     * @throws IllegalArgumentException if a fault names a node the cluster lacks, or the Raft heartbeat is not
     *     shorter than the election timeout
     */
    public ClusterSimulator build() {
      return new ClusterSimulator(this);
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
