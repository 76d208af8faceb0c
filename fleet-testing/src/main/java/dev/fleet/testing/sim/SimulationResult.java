package dev.fleet.testing.sim;

import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What happened in one simulated run: every event with its virtual time, every task's final status, every
 * accepted result, and what the failure detector did about each crash.
 *
 * <p>Times are ticker nanoseconds; the run started at {@link #startNanos()} ({@link #sinceStart} turns a
 * time into an offset). Immutable and thread-safe.
 */
public final class SimulationResult {
  private final long seed;
  private final List<MachineId> machines;
  private final Duration interval;
  private final long startNanos;
  private final long runEndNanos;
  private final long endNanos;
  private final FaultSchedule faults;
  private final List<FleetEvent> events;
  private final Map<TaskId, TaskStatus> finalStatuses;
  private final Set<TaskId> plannedFailures;
  private final List<AcceptedResult> acceptedResults;
  private final List<CrashRecord> crashes;
  private final List<FalseVerdict> falseVerdicts;
  private final double machineHours;
  private final int staleReports;
  private final int undelivered;
  private final int ignoredHeartbeats;

  SimulationResult(long seed, List<MachineId> machines, Duration interval, long startNanos, long runEndNanos,
      long endNanos, FaultSchedule faults, List<FleetEvent> events, Map<TaskId, TaskStatus> finalStatuses,
      Set<TaskId> plannedFailures, List<AcceptedResult> acceptedResults, List<CrashRecord> crashes,
      List<FalseVerdict> falseVerdicts, double machineHours, int staleReports, int undelivered,
      int ignoredHeartbeats) {
    this.seed = seed;
    this.machines = List.copyOf(machines);
    this.interval = interval;
    this.startNanos = startNanos;
    this.runEndNanos = runEndNanos;
    this.endNanos = endNanos;
    this.faults = faults;
    this.events = List.copyOf(events);
    this.finalStatuses = Collections.unmodifiableMap(new LinkedHashMap<>(finalStatuses));
    this.plannedFailures = Set.copyOf(plannedFailures);
    this.acceptedResults = List.copyOf(acceptedResults);
    this.crashes = List.copyOf(crashes);
    this.falseVerdicts = List.copyOf(falseVerdicts);
    this.machineHours = machineHours;
    this.staleReports = staleReports;
    this.undelivered = undelivered;
    this.ignoredHeartbeats = ignoredHeartbeats;
  }

  /** {@return the seed the run was made from} */
  public long seed() {
    return seed;
  }

  /** {@return the simulated machines, in registration order} */
  public List<MachineId> machines() {
    return machines;
  }

  /** {@return the agents' heartbeat interval} */
  public Duration interval() {
    return interval;
  }

  /** {@return the ticker time when the run started (the machines registered)} */
  public long startNanos() {
    return startNanos;
  }

  /** {@return the ticker time when faults and submissions stopped and the run began to settle} */
  public long runEndNanos() {
    return runEndNanos;
  }

  /** {@return the ticker time when the run ended: every task final, or the settle limit reached} */
  public long endNanos() {
    return endNanos;
  }

  /**
   * A ticker time as an offset from the start of the run.
   *
   * @param nanos a ticker reading from this run, such as an event's time
   * @return how long after the start it is; negative if before
   */
  public Duration sinceStart(long nanos) {
    return Duration.ofNanos(nanos - startNanos);
  }

  /** {@return the faults that were applied, including the pauses drawn from the {@link PauseModel}} */
  public FaultSchedule faults() {
    return faults;
  }

  /** {@return every event the fleet published, in order; each carries its virtual time} */
  public List<FleetEvent> events() {
    return events;
  }

  /** {@return every submitted task's status at the end, in submission order} */
  public Map<TaskId, TaskStatus> finalStatuses() {
    return finalStatuses;
  }

  /** {@return the tasks whose agent was told to report a failure; FAILED is their expected end} */
  public Set<TaskId> plannedFailures() {
    return plannedFailures;
  }

  /** {@return the tasks not final at the end} */
  public List<TaskId> unfinished() {
    List<TaskId> out = new ArrayList<>();
    finalStatuses.forEach((id, s) -> {
      if (!s.state().isFinal()) {
        out.add(id);
      }
    });
    return out;
  }

  /** {@return whether every task reached a final state before the settle limit} */
  public boolean settled() {
    return unfinished().isEmpty();
  }

  /** {@return every result the dispatcher accepted, in the order it accepted them} */
  public List<AcceptedResult> acceptedResults() {
    return acceptedResults;
  }

  /** {@return every {@link Fault.Crash} of a running agent, with what the fleet did about it} */
  public List<CrashRecord> crashes() {
    return crashes;
  }

  /**
   * Every time the failure detector gave up on a machine whose agent was alive and reachable (running or
   * paused, not crashed, asleep or partitioned): OFFLINE, or ASLEEP without an announcement.
   *
   * @return the false verdicts, in the order they happened
   */
  public List<FalseVerdict> falseVerdicts() {
    return falseVerdicts;
  }

  /**
   * {@return how long agents were alive (not crashed) before the run began to settle, summed over machines, in
   * hours}
   */
  public double machineHours() {
    return machineHours;
  }

  /** {@return false verdicts before the run began to settle, per machine-hour alive} */
  public double falseVerdictsPerMachineHour() {
    long n = falseVerdicts.stream().filter(v -> v.atNanos() < runEndNanos).count();
    return machineHours == 0 ? 0 : n / machineHours;
  }

  /** {@return reports (started or result) the dispatcher refused with a {@link dev.fleet.StaleAttemptException}} */
  public int staleReports() {
    return staleReports;
  }

  /** {@return assignments the transport dropped because their machine's agent was crashed} */
  public int undelivered() {
    return undelivered;
  }

  /**
   * Heartbeats the fleet ignored as not newer than the last one it accepted. After a restart whose heartbeat 0
   * was lost (say, in a partition), every heartbeat up to the old run's last sequence is ignored.
   *
   * @return how many heartbeats the fleet ignored in the whole run
   */
  public int ignoredHeartbeats() {
    return ignoredHeartbeats;
  }

  /** {@return the final state of every task, counted} */
  public Map<TaskState, Integer> outcomes() {
    Map<TaskState, Integer> out = new LinkedHashMap<>();
    for (TaskState s : TaskState.values()) {
      out.put(s, 0);
    }
    finalStatuses.values().forEach(s -> out.merge(s.state(), 1, Integer::sum));
    out.values().removeIf(n -> n == 0);
    return out;
  }

  @Override
  public String toString() {
    return "SimulationResult[seed " + seed + ", " + machines.size() + " machines, "
        + sinceStart(runEndNanos).toSeconds() + " s + settle " + Duration.ofNanos(endNanos - runEndNanos).toSeconds()
        + " s, " + finalStatuses.size() + " tasks " + outcomes() + ", " + events.size() + " events, "
        + crashes.size() + " crashes, " + falseVerdicts.size() + " false verdicts, " + staleReports
        + " stale reports, " + ignoredHeartbeats + " ignored heartbeats]";
  }

  /**
   * A result the dispatcher accepted. Immutable.
   *
   * @param task the task
   * @param machine the machine that reported it
   * @param attempt the attempt it belonged to
   * @param atNanos when it was accepted, in ticker nanoseconds
   * @param succeeded whether it was a success
   */
  public record AcceptedResult(TaskId task, MachineId machine, int attempt, long atNanos, boolean succeeded) {
    /**
     * Checks the identifiers.
     *
     * @param task the task
     * @param machine the machine that reported it
     * @param attempt the attempt it belonged to
     * @param atNanos when it was accepted, in ticker nanoseconds
     * @param succeeded whether it was a success
     * @throws NullPointerException if {@code task} or {@code machine} is null
     */
    public AcceptedResult {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(machine, "machine");
    }
  }

  /**
   * The failure detector gave up on a machine that was in fact alive and reachable. Immutable.
   *
   * @param machine the machine
   * @param verdict OFFLINE, or ASLEEP when it was not announced
   * @param atNanos when the verdict was given, in ticker nanoseconds
   * @param condition what the agent was doing, e.g. {@code "paused for 2.4s"} or {@code "running"}
   */
  public record FalseVerdict(MachineId machine, Health verdict, long atNanos, String condition) {}

  /**
   * One crash of a running agent and how the fleet coped. Immutable.
   *
   * @param machine the machine
   * @param crashedAtNanos when its agent died
   * @param detectedAtNanos when the fleet declared it OFFLINE (or, for a laptop, ASLEEP); empty if it never did,
   *     e.g. because it restarted first
   * @param restartedAtNanos when its agent restarted, if it did
   * @param work the tasks the fleet had on it (dispatched or running) when it crashed
   * @param runningAgainAtNanos for each of those that ran again, when it was first running: on another machine,
   *     or on this one after the restart
   */
  public record CrashRecord(MachineId machine, long crashedAtNanos, OptionalLong detectedAtNanos,
      OptionalLong restartedAtNanos, List<TaskId> work, Map<TaskId, Long> runningAgainAtNanos) {
    /**
     * Copies the work and its times.
     *
     * @param machine the machine
     * @param crashedAtNanos when its agent died
     * @param detectedAtNanos when the fleet declared it OFFLINE (or, for a laptop, ASLEEP); empty if it never did,
     *     e.g. because it restarted first
     * @param restartedAtNanos when its agent restarted, if it did
     * @param work the tasks the fleet had on it (dispatched or running) when it crashed
     * @param runningAgainAtNanos for each of those that ran again, when it was first running: on another machine,
     *     or on this one after the restart
     * @throws NullPointerException if {@code work} or {@code runningAgainAtNanos} is null
     */
    public CrashRecord {
      work = List.copyOf(work);
      runningAgainAtNanos = Collections.unmodifiableMap(new LinkedHashMap<>(runningAgainAtNanos));
    }

    /** {@return the time from the crash to the verdict; empty if there was none} */
    public Optional<Duration> detection() {
      return detectedAtNanos.isPresent()
          ? Optional.of(Duration.ofNanos(detectedAtNanos.getAsLong() - crashedAtNanos)) : Optional.empty();
    }

    /** {@return the time from the crash until each task of its work that ran again was running, one per such task} */
    public List<Duration> workRunningAgain() {
      return runningAgainAtNanos.values().stream().map(t -> Duration.ofNanos(t - crashedAtNanos)).toList();
    }

    /**
     * From the crash until all of its work that ran again was running again; empty if it had no work or none
     * of it ran again (it was cancelled or dead-lettered instead).
     *
     * @return the longest of {@link #workRunningAgain()}
     */
    public Optional<Duration> allWorkRunningAgain() {
      return workRunningAgain().stream().max(Duration::compareTo);
    }
  }
}
