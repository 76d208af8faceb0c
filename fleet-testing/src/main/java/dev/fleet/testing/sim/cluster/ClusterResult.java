package dev.fleet.testing.sim.cluster;

import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What happened in one run of a {@link ClusterSimulator}: which submissions were acknowledged, what every
 * leader's fleet delivered and accepted (and in which term), where every task ended on the last leader, and
 * how often the run's protections were put to work. {@link ClusterInvariants} checks it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seed the run's seed
 * @param nodes how many coordinators
 * @param faults the faults of the schedule, as applied (a fault on "the leader" names the node it hit)
 * @param acknowledged the tasks whose submission returned without throwing, in submission order
 * @param finalLeader the node that led when the run ended, or -1 if none did
 * @param finalTerm its term, or 0
 * @param finalStatuses each acknowledged task's status on the final leader (empty if it does not know it)
 * @param deliveries every assignment a leader's fleet handed its transport
 * @param acceptances every result a fleet accepted (the report returned without throwing)
 * @param overlaps every moment an agent started a task that another machine was running
 * @param anomalies anything else a leader should never do (a report about a task the leader does not know)
 * @param leaderships every election won: node, term and time
 * @param stats counts of what the run exercised (elections, fenced syncs, lost and late messages, ...)
 * @param endNanos when the run ended, on the ticker
 */
public record ClusterResult(
    long seed,
    int nodes,
    List<String> faults,
    List<TaskId> acknowledged,
    int finalLeader,
    long finalTerm,
    Map<TaskId, Optional<TaskStatus>> finalStatuses,
    List<Delivery> deliveries,
    List<Acceptance> acceptances,
    List<Overlap> overlaps,
    List<String> anomalies,
    List<String> leaderships,
    Map<String, Integer> stats,
    long endNanos) {

  /**
   * A fleet on {@code node}, opened in {@code term}, told machine {@code machine} of an attempt.
   *
   * @param node the coordinator, from 0
   * @param term the Raft term its fleet was opened in
   * @param task the task
   * @param attempt the attempt's number
   * @param machine the machine told to run it
   * @param atNanos when, on the ticker
   */
  public record Delivery(int node, long term, TaskId task, int attempt, MachineId machine, long atNanos) {}

  /**
   * A fleet on {@code node}, opened in {@code term}, accepted a result.
   *
   * @param node the coordinator, from 0
   * @param term the Raft term its fleet was opened in
   * @param task the task
   * @param attempt the attempt the result belongs to
   * @param machine the machine that reported it
   * @param succeeded whether it was a success
   * @param atNanos when, on the ticker
   */
  public record Acceptance(int node, long term, TaskId task, int attempt, MachineId machine, boolean succeeded,
      long atNanos) {}

  /**
   * Machine {@code machine} started attempt {@code attempt} of a task while {@code alsoOn} ran {@code alsoAttempt}.
   *
   * @param task the task
   * @param machine the machine that started it
   * @param attempt the attempt it started
   * @param alsoOn the machine already running it
   * @param alsoAttempt the attempt that machine ran
   * @param atNanos when, on the ticker
   */
  public record Overlap(TaskId task, MachineId machine, int attempt, MachineId alsoOn, int alsoAttempt,
      long atNanos) {}

  /**
   * Copies every collection.
   *
   * @param seed the run's seed
   * @param nodes how many coordinators
   * @param faults the faults of the schedule, as applied (a fault on "the leader" names the node it hit)
   * @param acknowledged the tasks whose submission returned without throwing, in submission order
   * @param finalLeader the node that led when the run ended, or -1 if none did
   * @param finalTerm its term, or 0
   * @param finalStatuses each acknowledged task's status on the final leader (empty if it does not know it)
   * @param deliveries every assignment a leader's fleet handed its transport
   * @param acceptances every result a fleet accepted (the report returned without throwing)
   * @param overlaps every moment an agent started a task that another machine was running
   * @param anomalies anything else a leader should never do (a report about a task the leader does not know)
   * @param leaderships every election won: node, term and time
   * @param stats counts of what the run exercised (elections, fenced syncs, lost and late messages, ...)
   * @param endNanos when the run ended, on the ticker
   * @throws NullPointerException if a collection is or holds null
   */
  public ClusterResult {
    faults = List.copyOf(faults);
    acknowledged = List.copyOf(acknowledged);
    finalStatuses = Map.copyOf(finalStatuses);
    deliveries = List.copyOf(deliveries);
    acceptances = List.copyOf(acceptances);
    overlaps = List.copyOf(overlaps);
    anomalies = List.copyOf(anomalies);
    leaderships = List.copyOf(leaderships);
    stats = Map.copyOf(stats);
  }

  /**
   * A count from {@link #stats}.
   *
   * @param name the count's name, e.g. {@code "elections"}
   * @return the count, 0 if absent
   */
  public int stat(String name) {
    return stats.getOrDefault(name, 0);
  }

  /**
   * How many tasks ended with a result on the final leader though no fleet acknowledged one to the agent: the
   * sync behind the result threw, yet the record had reached followers and a later leader committed and replayed
   * it (the agent's next report of it was then refused as stale).
   *
   * @return the number of such tasks
   */
  public int resultsKeptWithoutAcknowledgement() {
    Set<TaskId> accepted = new java.util.HashSet<>();
    acceptances.forEach(a -> accepted.add(a.task()));
    int n = 0;
    for (Map.Entry<TaskId, Optional<TaskStatus>> e : finalStatuses.entrySet()) {
      if (e.getValue().isPresent() && e.getValue().get().result().isPresent() && !accepted.contains(e.getKey())) {
        n++;
      }
    }
    return n;
  }

  /** {@return the distinct terms in which some fleet delivered an assignment} */
  public Set<Long> dispatchingTerms() {
    return Set.copyOf(deliveries.stream().map(Delivery::term).toList());
  }

  @Override
  public String toString() {
    return "cluster run (seed " + seed + ", " + nodes + " nodes, " + acknowledged.size() + " tasks acknowledged, "
        + "final leader n" + finalLeader + " in term " + finalTerm + ", " + stats + ")";
  }
}
