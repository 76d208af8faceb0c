package dev.fleet.testing.sim;

import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks of what a fleet promises, against a {@link SimulationResult}. Each returns the violations it found,
 * one sentence each, or an empty list; the first few make a good assertion message.
 *
 * <p>Stateless and thread-safe.
 */
public final class Invariants {
  private Invariants() {}

  /**
   * No task is lost: every submitted task ended SUCCEEDED, CANCELLED or DEAD_LETTERED, or FAILED where its
   * agent was told to fail it. Meaningful for a run that settled long enough.
   *
   * @param r the run to check
   * @return one sentence per violation; empty if the invariant held
   */
  public static List<String> noTaskLost(SimulationResult r) {
    List<String> out = new ArrayList<>();
    r.finalStatuses().forEach((id, s) -> {
      TaskState st = s.state();
      boolean ok = st == TaskState.SUCCEEDED || st == TaskState.CANCELLED || st == TaskState.DEAD_LETTERED
          || (st == TaskState.FAILED && r.plannedFailures().contains(id));
      if (!ok) {
        out.add(id + " ended " + st + describe(r, s));
      }
    });
    return out;
  }

  /**
   * No task has two accepted results: the dispatcher accepted at most one result per task, published at most
   * one SUCCEEDED or FAILED event for it, and a finished task's status carries the result it accepted.
   *
   * @param r the run to check
   * @return one sentence per violation; empty if the invariant held
   */
  public static List<String> atMostOneAcceptedResult(SimulationResult r) {
    List<String> out = new ArrayList<>();
    Map<TaskId, Integer> accepted = new LinkedHashMap<>();
    for (SimulationResult.AcceptedResult a : r.acceptedResults()) {
      accepted.merge(a.task(), 1, Integer::sum);
    }
    Map<TaskId, Integer> finishedEvents = new LinkedHashMap<>();
    for (FleetEvent e : r.events()) {
      if (e instanceof FleetEvent.TaskChanged t && (t.to() == TaskState.SUCCEEDED || t.to() == TaskState.FAILED)) {
        finishedEvents.merge(t.task(), 1, Integer::sum);
      }
    }
    accepted.forEach((id, n) -> {
      if (n > 1) {
        out.add(id + " had " + n + " results accepted: " + r.acceptedResults().stream()
            .filter(a -> a.task().equals(id)).toList());
      }
    });
    finishedEvents.forEach((id, n) -> {
      if (n > 1) {
        out.add(id + " finished " + n + " times in the event log");
      }
    });
    r.finalStatuses().forEach((id, s) -> {
      boolean finished = s.state() == TaskState.SUCCEEDED || s.state() == TaskState.FAILED;
      int n = accepted.getOrDefault(id, 0);
      if (finished && (n != 1 || s.result().isEmpty())) {
        out.add(id + " ended " + s.state() + " with " + n + " accepted results and result " + s.result());
      }
      if (!finished && (n != 0 || s.result().isPresent())) {
        out.add(id + " ended " + s.state() + " yet " + n + " results were accepted");
      }
    });
    return out;
  }

  /**
   * No attempt is dispatched to a machine that is not ONLINE at that instant: at every TaskChanged to
   * DISPATCHED, the machine's last HealthChanged in the event log is to ONLINE.
   *
   * @param r the run to check
   * @return one sentence per violation; empty if the invariant held
   */
  public static List<String> dispatchedOnlyToOnline(SimulationResult r) {
    List<String> out = new ArrayList<>();
    Map<MachineId, Health> health = new HashMap<>();
    for (FleetEvent e : r.events()) {
      if (e instanceof FleetEvent.HealthChanged h) {
        health.put(h.machine(), h.to());
      } else if (e instanceof FleetEvent.TaskChanged t && t.to() == TaskState.DISPATCHED) {
        MachineId m = t.machine().orElse(null);
        Health h = m == null ? null : health.get(m);
        if (h != Health.ONLINE) {
          out.add(t.task() + " attempt " + t.attempt() + " dispatched to " + m + " at "
              + at(r, t.atNanos()) + " while it was " + h);
        }
      }
    }
    return out;
  }

  /**
   * Work of a drained machine is gone from it by the deadline: once a {@link Fault.Drain}'s deadline has
   * passed (and before the run settles, when drains are lifted), no task is dispatched to or running on that
   * machine in the fleet's view. Draining a machine again before the deadline gives it the new deadline (the
   * latest request wins, as with Nomad's {@code node drain -deadline}), so a drain superseded that way is
   * judged by the drain that replaced it.
   *
   * @param r the run to check
   * @return one sentence per violation; empty if the invariant held
   */
  public static List<String> drainedWorkGoneByDeadline(SimulationResult r) {
    List<String> out = new ArrayList<>();
    List<Fault.Drain> all = r.faults().ofType(Fault.Drain.class);
    List<Fault.Drain> drains = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Fault.Drain d = all.get(i);
      boolean superseded = false;
      for (int j = i + 1; j < all.size() && !superseded; j++) {
        Fault.Drain later = all.get(j);
        superseded = later.machine() == d.machine() && later.at().compareTo(d.end()) <= 0;
      }
      if (!superseded && r.startNanos() + d.end().toNanos() < r.runEndNanos()) {
        drains.add(d);
      }
    }
    drains.sort((a, b) -> a.end().compareTo(b.end()));
    if (drains.isEmpty()) {
      return out;
    }
    Map<TaskId, MachineId> activeOn = new HashMap<>();
    List<FleetEvent> events = r.events();
    int next = 0;
    for (Fault.Drain d : drains) {
      long deadline = r.startNanos() + d.end().toNanos();
      while (next < events.size() && events.get(next).atNanos() <= deadline) {
        if (events.get(next) instanceof FleetEvent.TaskChanged t) {
          boolean active = t.to() == TaskState.DISPATCHED || t.to() == TaskState.RUNNING
              || t.to() == TaskState.PAUSED;
          if (active && t.machine().isPresent()) {
            activeOn.put(t.task(), t.machine().get());
          } else {
            activeOn.remove(t.task());
          }
        }
        next++;
      }
      MachineId m = r.machines().get(d.machine());
      Set<TaskId> left = new LinkedHashSet<>();
      activeOn.forEach((task, on) -> {
        if (on.equals(m)) {
          left.add(task);
        }
      });
      if (!left.isEmpty()) {
        out.add(m + " drained at " + d.at() + " with deadline " + d.deadline() + " still had " + left
            + " at " + at(r, deadline));
      }
    }
    return out;
  }

  /**
   * The first {@code n} violations and how many there were, for an assertion message.
   *
   * @param violations what the checks returned, concatenated
   * @param n how many to list at most
   * @param r the run they are from, named in the first line
   * @return a multi-line message: the count, then up to {@code n} violations, one a line
   */
  public static String summary(List<String> violations, int n, SimulationResult r) {
    StringBuilder sb = new StringBuilder(violations.size() + " violations in " + r + ":");
    violations.stream().limit(n).forEach(v -> sb.append("\n  - ").append(v));
    if (violations.size() > n) {
      sb.append("\n  - ... ").append(violations.size() - n).append(" more");
    }
    sb.append("\n  faults: ").append(r.faults().faults());
    return sb.toString();
  }

  private static String describe(SimulationResult r, TaskStatus s) {
    return s.machine().map(m -> " on " + m).orElse("") + " after " + s.attempts().size() + " attempts "
        + s.attempts() + "; why: " + s.why().summary();
  }

  private static String at(SimulationResult r, long nanos) {
    Duration d = r.sinceStart(nanos);
    return String.format(java.util.Locale.ROOT, "%.3fs", d.toNanos() / 1e9);
  }
}
