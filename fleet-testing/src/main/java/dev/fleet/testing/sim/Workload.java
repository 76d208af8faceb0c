package dev.fleet.testing.sim;

import dev.fleet.ReschedulePolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The tasks a simulated run submits: how many, how long each runs, and what becomes of them.
 *
 * <p>Submissions arrive at random (a Poisson process) at {@code tasksPerMinute}; each task's priority is
 * drawn uniformly, its run time uniformly between {@code shortest} and {@code longest}, and its fate from
 * the shares below, all from the run's seed and independent of what the fleet decides. Machines number 0,
 * 3, 6, ... have the capability {@code gpu}; every machine has {@code cpu}. Immutable and thread-safe.
 *
 * @param tasksPerMinute how many tasks arrive per minute on average; 0 for none
 * @param shortest the shortest run time
 * @param longest the longest run time
 * @param gpuShare the share of tasks that require {@code gpu}
 * @param failShare the share whose agent reports a failure instead of a success
 * @param cancelShare the share the simulator cancels, at a random moment within {@code longest} of submission
 * @param deadlineShare the share submitted with a deadline of {@code deadline} (cancelled if still waiting then)
 * @param deadline the deadline of those tasks
 * @param slowShare the share whose result reaches the coordinator late; for half of them the agent, hearing
 *     nothing back, sends the result again after one heartbeat interval, so the fleet receives it twice
 * @param slowest how late a slow result is at most (drawn uniformly up to it)
 * @param maxAttempts each task's {@link dev.fleet.Task#maxAttempts()}
 * @param reschedule each task's {@link dev.fleet.Task#reschedule()}
 */
public record Workload(
    double tasksPerMinute,
    Duration shortest,
    Duration longest,
    double gpuShare,
    double failShare,
    double cancelShare,
    double deadlineShare,
    Duration deadline,
    double slowShare,
    Duration slowest,
    int maxAttempts,
    ReschedulePolicy reschedule) {

  /**
   * Checks the workload.
   *
   * @param tasksPerMinute how many tasks arrive per minute on average; 0 for none
   * @param shortest the shortest run time
   * @param longest the longest run time
   * @param gpuShare the share of tasks that require {@code gpu}
   * @param failShare the share whose agent reports a failure instead of a success
   * @param cancelShare the share the simulator cancels, at a random moment within {@code longest} of submission
   * @param deadlineShare the share submitted with a deadline of {@code deadline} (cancelled if still waiting then)
   * @param deadline the deadline of those tasks
   * @param slowShare the share whose result reaches the coordinator late; for half of them the agent, hearing
   *     nothing back, sends the result again after one heartbeat interval, so the fleet receives it twice
   * @param slowest how late a slow result is at most (drawn uniformly up to it)
   * @param maxAttempts each task's {@link dev.fleet.Task#maxAttempts()}
   * @param reschedule each task's {@link dev.fleet.Task#reschedule()}
   * @throws IllegalArgumentException if a rate or share is out of range, {@code longest < shortest}, or
   *     {@code maxAttempts} is outside [1, 1000]; the message holds the value
   * @throws NullPointerException if a duration or the policy is null
   */
  public Workload {
    if (!(tasksPerMinute >= 0) || Double.isInfinite(tasksPerMinute)) {
      throw new IllegalArgumentException("tasksPerMinute must be a finite number >= 0, got " + tasksPerMinute);
    }
    SimChecks.positive("shortest", shortest);
    Objects.requireNonNull(longest, "longest");
    if (longest.compareTo(shortest) < 0) {
      throw new IllegalArgumentException("longest " + longest + " must be at least shortest " + shortest);
    }
    SimChecks.share("gpuShare", gpuShare);
    SimChecks.share("failShare", failShare);
    SimChecks.share("cancelShare", cancelShare);
    SimChecks.share("deadlineShare", deadlineShare);
    SimChecks.positive("deadline", deadline);
    SimChecks.share("slowShare", slowShare);
    SimChecks.notNegative("slowest", slowest);
    if (maxAttempts < 1 || maxAttempts > 1000) {
      throw new IllegalArgumentException("maxAttempts must be in [1, 1000], got " + maxAttempts);
    }
    Objects.requireNonNull(reschedule, "reschedule");
  }

  /**
   * No tasks at all: a run that only watches heartbeats.
   *
   * @return a workload of zero tasks a minute
   */
  public static Workload none() {
    return steady(0);
  }

  /**
   * {@code tasksPerMinute} tasks of 5 s to 3 min that all succeed, 3 attempts each, the default reschedule
   * policy; change it with the {@code with...} methods.
   *
   * @param tasksPerMinute how many tasks arrive per minute on average; 0 for none
   * @return the workload
   * @throws IllegalArgumentException if the rate is negative or not finite
   */
  public static Workload steady(double tasksPerMinute) {
    return new Workload(tasksPerMinute, Duration.ofSeconds(5), Duration.ofMinutes(3), 0, 0, 0, 0,
        Duration.ofMinutes(1), 0, Duration.ZERO, dev.fleet.Task.DEFAULT_MAX_ATTEMPTS, ReschedulePolicy.DEFAULT);
  }

  /**
   * This workload with run times drawn between {@code shortest} and {@code longest}; this one is unchanged.
   *
   * @param shortest the shortest run time; positive
   * @param longest the longest run time; at least {@code shortest}
   * @return the new workload
   * @throws IllegalArgumentException if a value is out of range, as the constructor checks
   */
  public Workload withRunTimes(Duration shortest, Duration longest) {
    return new Workload(tasksPerMinute, shortest, longest, gpuShare, failShare, cancelShare, deadlineShare, deadline,
        slowShare, slowest, maxAttempts, reschedule);
  }

  /**
   * This workload with a share of tasks requiring {@code gpu}; this one is unchanged.
   *
   * @param share in [0, 1]
   * @return the new workload
   * @throws IllegalArgumentException if a value is out of range, as the constructor checks
   */
  public Workload withGpuShare(double share) {
    return new Workload(tasksPerMinute, shortest, longest, share, failShare, cancelShare, deadlineShare, deadline,
        slowShare, slowest, maxAttempts, reschedule);
  }

  /**
   * This workload with a share of tasks whose agent reports failure; this one is unchanged.
   *
   * @param share in [0, 1]
   * @return the new workload
   * @throws IllegalArgumentException if a value is out of range, as the constructor checks
   */
  public Workload withFailShare(double share) {
    return new Workload(tasksPerMinute, shortest, longest, gpuShare, share, cancelShare, deadlineShare, deadline,
        slowShare, slowest, maxAttempts, reschedule);
  }

  /**
   * This workload with a share of tasks the simulator cancels; this one is unchanged.
   *
   * @param share in [0, 1]
   * @return the new workload
   * @throws IllegalArgumentException if a value is out of range, as the constructor checks
   */
  public Workload withCancelShare(double share) {
    return new Workload(tasksPerMinute, shortest, longest, gpuShare, failShare, share, deadlineShare, deadline,
        slowShare, slowest, maxAttempts, reschedule);
  }

  /**
   * This workload with a share of tasks submitted with a deadline; this one is unchanged.
   *
   * @param share in [0, 1]
   * @param deadline how long such a task may wait before it is cancelled; positive
   * @return the new workload
   * @throws IllegalArgumentException if a value is out of range, as the constructor checks
   */
  public Workload withDeadlines(double share, Duration deadline) {
    return new Workload(tasksPerMinute, shortest, longest, gpuShare, failShare, cancelShare, share, deadline,
        slowShare, slowest, maxAttempts, reschedule);
  }

  /**
   * This workload with a share of tasks whose results arrive late; this one is unchanged.
   *
   * @param share in [0, 1]
   * @param slowest how late a slow result is at most; zero or more
   * @return the new workload
   * @throws IllegalArgumentException if a value is out of range, as the constructor checks
   */
  public Workload withSlowResults(double share, Duration slowest) {
    return new Workload(tasksPerMinute, shortest, longest, gpuShare, failShare, cancelShare, deadlineShare, deadline,
        share, slowest, maxAttempts, reschedule);
  }

  /**
   * This workload with each task allowed this many attempts; this one is unchanged.
   *
   * @param attempts in [1, 1000]
   * @return the new workload
   * @throws IllegalArgumentException if a value is out of range, as the constructor checks
   */
  public Workload withMaxAttempts(int attempts) {
    return new Workload(tasksPerMinute, shortest, longest, gpuShare, failShare, cancelShare, deadlineShare, deadline,
        slowShare, slowest, attempts, reschedule);
  }

  /**
   * This workload with each task rescheduled by this policy; this one is unchanged.
   *
   * @param policy the policy of every task
   * @return the new workload
   * @throws IllegalArgumentException if a value is out of range, as the constructor checks
   */
  public Workload withReschedule(ReschedulePolicy policy) {
    return new Workload(tasksPerMinute, shortest, longest, gpuShare, failShare, cancelShare, deadlineShare, deadline,
        slowShare, slowest, maxAttempts, policy);
  }
}
