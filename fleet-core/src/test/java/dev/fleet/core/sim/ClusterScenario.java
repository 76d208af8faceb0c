package dev.fleet.core.sim;

import dev.fleet.testing.sim.cluster.ClusterFault;
import dev.fleet.testing.sim.cluster.ClusterFlaw;
import dev.fleet.testing.sim.cluster.ClusterInvariants;
import dev.fleet.testing.sim.cluster.ClusterResult;
import dev.fleet.testing.sim.cluster.ClusterSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One generated run of replicated coordinators: how many nodes and machines, how bad the network is, which
 * faults hit the coordinators and when, and whether the fleet snapshots its journal. Drawn from one seed, so a
 * failing try prints everything needed to run it again ({@link #fromSeed}).
 *
 * @param seed the seed the scenario and the run come from
 * @param nodes 3 or 5 coordinators
 * @param machines agents
 * @param seconds how long faults happen and tasks arrive
 * @param drop share of messages between coordinators lost
 * @param delay share of messages late (up to 3 s)
 * @param snapshotEvery the fleet's snapshot interval in records, 0 for none
 * @param faults what happens to the coordinators
 */
record ClusterScenario(long seed, int nodes, int machines, int seconds, double drop, double delay,
    long snapshotEvery, List<ClusterFault> faults) {

  private static final Logger CORE_LOG = Logger.getLogger("dev.fleet.core");

  /** The scenario drawn from {@code seed}. */
  static ClusterScenario fromSeed(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int nodes = r.nextInt(4) == 0 ? 5 : 3;
    int machines = r.nextInt(2, 6);
    int seconds = r.nextInt(20, 41);
    double drop = r.nextInt(3) == 0 ? 0 : r.nextDouble(0.1);
    double delay = r.nextInt(3) == 0 ? 0 : r.nextDouble(0.15);
    long snapshotEvery = r.nextBoolean() ? 0 : r.nextInt(8, 40);
    List<ClusterFault> faults = new ArrayList<>();
    int count = r.nextInt(1, 5);
    for (int i = 0; i < count; i++) {
      int node = r.nextInt(10) < 7 ? ClusterFault.LEADER : r.nextInt(nodes);
      Duration at = Duration.ofMillis(r.nextLong(2_000, seconds * 1000L));
      Duration length = Duration.ofMillis(r.nextLong(300, 8_000));
      faults.add(switch (r.nextInt(3)) {
        case 0 -> ClusterFault.crash(node, at, length);
        case 1 -> ClusterFault.pause(node, at, length);
        default -> ClusterFault.isolate(node, at, length, r.nextBoolean());
      });
    }
    return new ClusterScenario(seed, nodes, machines, seconds, drop, delay, snapshotEvery, faults);
  }

  ClusterSimulator simulator(Set<ClusterFlaw> flaws) {
    return builder(flaws).build();
  }

  /** The simulator of this scenario, still open to changes. */
  ClusterSimulator.Builder builder(Set<ClusterFlaw> flaws) {
    Duration interval = Duration.ofSeconds(1);
    return ClusterSimulator.newBuilder(ClusterFleets.core(interval, snapshotEvery))
        .seed(seed)
        .nodes(nodes)
        .machines(machines)
        .heartbeatInterval(interval)
        .duration(Duration.ofSeconds(seconds))
        .tasksPerMinute(40)
        .network(drop, delay, Duration.ofSeconds(3))
        .faults(faults)
        .flaws(flaws);
  }

  ClusterResult run() {
    return run(Set.of());
  }

  /**
   * Runs it; the fleet's own error log (every fenced journal logs one) is silenced meanwhile, as thousands of runs
   * fence thousands of journals on purpose.
   */
  ClusterResult run(Set<ClusterFlaw> flaws) {
    Level before = CORE_LOG.getLevel();
    CORE_LOG.setLevel(Level.OFF);
    try {
      return simulator(flaws).run();
    } finally {
      CORE_LOG.setLevel(before);
    }
  }

  /** Every violation of every cluster invariant in {@code r}. */
  static List<String> violations(ClusterResult r) {
    List<String> all = new ArrayList<>();
    all.addAll(ClusterInvariants.noAcknowledgedTaskLost(r));
    all.addAll(ClusterInvariants.atMostOneAcceptedResult(r));
    all.addAll(ClusterInvariants.oneDispatcherPerTerm(r));
    all.addAll(ClusterInvariants.deliveredAttemptsWereCommitted(r));
    all.addAll(ClusterInvariants.noTaskRunsOnTwoMachinesAtOnce(r));
    for (String a : r.anomalies()) {
      all.add("anomaly: " + a);
    }
    return all;
  }
}
