package dev.fleet.testing.sim.cluster;

import dev.fleet.Attempt;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks of what replicated coordinators promise, against a {@link ClusterResult}. Each returns the violations
 * it found, one sentence each, or an empty list.
 *
 * <p>Stateless and thread-safe.
 */
public final class ClusterInvariants {
  private ClusterInvariants() {}

  /**
   * No acknowledged task is lost: the run ended with a leader, and every task whose submission was acknowledged
   * is known to it and final (succeeded, failed, cancelled or dead-lettered).
   *
   * @param r the run to check
   * @return one sentence per violation; empty if the invariant held
   */
  public static List<String> noAcknowledgedTaskLost(ClusterResult r) {
    List<String> out = new ArrayList<>();
    if (r.finalLeader() < 0) {
      out.add("no node led when the run ended");
      return out;
    }
    r.finalStatuses().forEach((id, s) -> {
      if (s.isEmpty()) {
        out.add(id + " was acknowledged but the final leader n" + r.finalLeader() + " does not know it");
      } else if (!s.get().state().isFinal()) {
        out.add(id + " ended " + s.get().state() + " on the final leader after attempts " + s.get().attempts());
      }
    });
    return out;
  }

  /**
   * No task has two accepted results across all the leaders' fleets, and a result a fleet accepted is the one the
   * final leader holds: an accepted result is never lost by a leader change.
   *
   * @param r the run to check
   * @return one sentence per violation; empty if the invariant held
   */
  public static List<String> atMostOneAcceptedResult(ClusterResult r) {
    List<String> out = new ArrayList<>();
    Map<TaskId, List<ClusterResult.Acceptance>> byTask = new LinkedHashMap<>();
    for (ClusterResult.Acceptance a : r.acceptances()) {
      byTask.computeIfAbsent(a.task(), k -> new ArrayList<>()).add(a);
    }
    byTask.forEach((id, list) -> {
      if (list.size() > 1) {
        out.add(id + " had " + list.size() + " results accepted: " + list);
      }
      ClusterResult.Acceptance first = list.get(0);
      Optional<TaskStatus> s = r.finalStatuses().getOrDefault(id, Optional.empty());
      if (r.finalLeader() >= 0 && s.isPresent()) {
        TaskState want = first.succeeded() ? TaskState.SUCCEEDED : TaskState.FAILED;
        if (s.get().state() != want) {
          out.add(id + " had its result accepted (" + first + ") but ended " + s.get().state()
              + " on the final leader");
        }
      }
    });
    return out;
  }

  /**
   * Never two nodes dispatching in the same term: every assignment delivered in a term came from one node.
   *
   * @param r the run to check
   * @return one sentence per violation; empty if the invariant held
   */
  public static List<String> oneDispatcherPerTerm(ClusterResult r) {
    List<String> out = new ArrayList<>();
    Map<Long, Set<Integer>> nodesByTerm = new LinkedHashMap<>();
    for (ClusterResult.Delivery d : r.deliveries()) {
      nodesByTerm.computeIfAbsent(d.term(), k -> new LinkedHashSet<>()).add(d.node());
    }
    nodesByTerm.forEach((term, nodes) -> {
      if (nodes.size() > 1) {
        out.add("nodes " + nodes + " all delivered assignments in term " + term);
      }
    });
    return out;
  }

  /**
   * Every attempt a leader delivered is one the cluster kept: the final leader's history of the task has that
   * attempt on that machine. A deposed leader that delivered an attempt its successor never heard of would
   * break this.
   *
   * @param r the run to check
   * @return one sentence per violation; empty if the invariant held
   */
  public static List<String> deliveredAttemptsWereCommitted(ClusterResult r) {
    List<String> out = new ArrayList<>();
    if (r.finalLeader() < 0) {
      return out;
    }
    for (ClusterResult.Delivery d : r.deliveries()) {
      Optional<TaskStatus> s = r.finalStatuses().getOrDefault(d.task(), Optional.empty());
      if (s.isEmpty()) {
        continue; // reported by noAcknowledgedTaskLost, or a submission never acknowledged
      }
      boolean kept = false;
      for (Attempt a : s.get().attempts()) {
        kept |= a.number() == d.attempt() && a.machine().equals(d.machine());
      }
      if (!kept) {
        out.add(d + " is not in the final leader's history of " + d.task() + ": " + s.get().attempts());
      }
    }
    return out;
  }

  /**
   * No task runs on two machines at once, except where the fleet had judged the first machine gone: an attempt
   * the final leader's history ends with its machine going offline may still run there until the agent hears,
   * as after a partition with one coordinator. A leader change alone must never start a second run.
   *
   * @param r the run to check
   * @return one sentence per violation; empty if the invariant held
   */
  public static List<String> noTaskRunsOnTwoMachinesAtOnce(ClusterResult r) {
    List<String> out = new ArrayList<>();
    for (ClusterResult.Overlap o : r.overlaps()) {
      if (!judgedOffline(r, o)) {
        out.add(o.task() + " attempt " + o.attempt() + " started on " + o.machine() + " at " + seconds(o.atNanos())
            + " while " + o.alsoOn() + " ran attempt " + o.alsoAttempt() + "; history "
            + r.finalStatuses().getOrDefault(o.task(), Optional.empty()).map(TaskStatus::attempts).orElse(List.of()));
      }
    }
    return out;
  }

  /** Whether the final leader's history ends the overlapped attempt with its machine going offline. */
  static boolean judgedOffline(ClusterResult r, ClusterResult.Overlap o) {
    Optional<TaskStatus> s = r.finalStatuses().getOrDefault(o.task(), Optional.empty());
    if (s.isEmpty()) {
      return false;
    }
    for (Attempt a : s.get().attempts()) {
      if (a.number() == o.alsoAttempt() && a.machine().equals(o.alsoOn())) {
        return a.ending() != null && a.ending().contains(o.alsoOn() + " went offline");
      }
    }
    return false;
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3fs", (nanos - ClusterRun.START_NANOS) / 1e9);
  }

  /**
   * The first {@code n} violations and how many there were, for an assertion message.
   *
   * @param violations what the checks returned, concatenated
   * @param n how many to list at most
   * @param r the run they are from, named in the first line
   * @return a multi-line message: the count, then up to {@code n} violations, one a line
   */
  public static String summary(List<String> violations, int n, ClusterResult r) {
    StringBuilder sb = new StringBuilder(violations.size() + " violations in " + r + ":");
    violations.stream().limit(n).forEach(v -> sb.append("\n  - ").append(v));
    if (violations.size() > n) {
      sb.append("\n  - ... ").append(violations.size() - n).append(" more");
    }
    sb.append("\n  faults: ").append(r.faults());
    sb.append("\n  leaders: ").append(r.leaderships());
    if (!r.anomalies().isEmpty()) {
      sb.append("\n  anomalies: ").append(r.anomalies());
    }
    return sb.toString();
  }
}
