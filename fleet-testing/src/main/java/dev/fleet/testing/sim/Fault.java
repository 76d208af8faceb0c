package dev.fleet.testing.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * One thing that goes wrong with one simulated machine, at a moment of virtual time counted from the
 * start of the run. Machines are numbered from 0; machine {@code i} is named {@link FleetSimulator#machineId}.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Fault
    permits Fault.Crash, Fault.Restart, Fault.Sleep, Fault.Partition, Fault.Pause, Fault.Drain {

  /**
   * Which machine the fault hits.
   *
   * @return its number, from 0
   */
  int machine();

  /**
   * When it happens.
   *
   * @return virtual time from the start of the run
   */
  Duration at();

  /**
   * When its effect is over.
   *
   * @return {@link #at()} for an instant, later for a span; virtual time from the start of the run
   */
  default Duration end() {
    return at();
  }

  /**
   * The agent dies: it stops heartbeating, loses the work it was running and any report it had not sent.
   * It stays down until a {@link Restart} (or the end of the run, when every crashed agent restarts).
   * Immutable.
   *
   * @param machine which machine, from 0
   * @param at when, counted from the start of the run
   */
  record Crash(int machine, Duration at) implements Fault {
    /**
     * Checks the components.
     *
     * @param machine which machine, from 0
     * @param at when, counted from the start of the run
     * @throws IllegalArgumentException if {@code machine} or {@code at} is negative; the message holds the value
     * @throws NullPointerException if a duration is null
     */
    public Crash {
      SimChecks.machineAndTime(machine, at);
    }
  }

  /**
   * The agent starts afresh: it heartbeats from sequence 0 again (repeating 0 until one reaches the fleet, so
   * the restart is never missed) and knows nothing of its earlier work. A
   * running agent is rebooted (its work is lost); a crashed one comes back. The machine's registration is
   * kept by the coordinator, so it does not register again.
   * Immutable.
   *
   * @param machine which machine, from 0
   * @param at when, counted from the start of the run
   */
  record Restart(int machine, Duration at) implements Fault {
    /**
     * Checks the components.
     *
     * @param machine which machine, from 0
     * @param at when, counted from the start of the run
     * @throws IllegalArgumentException if {@code machine} or {@code at} is negative; the message holds the value
     * @throws NullPointerException if a duration is null
     */
    public Restart {
      SimChecks.machineAndTime(machine, at);
    }
  }

  /**
   * The machine suspends, like a laptop's lid closing: no heartbeats, no progress on its work, no messages in
   * or out, until it wakes {@code duration} later and carries on where it stopped. Immutable.
   *
   * @param machine which machine, from 0
   * @param at when it falls asleep, counted from the start of the run
   * @param duration how long it sleeps; positive
   * @param announced whether its agent tells the coordinator first ({@link dev.fleet.HeartbeatMonitor#announceSleep})
   */
  record Sleep(int machine, Duration at, Duration duration, boolean announced) implements Fault {
    /**
     * Checks the components.
     *
     * @param machine which machine, from 0
     * @param at when it falls asleep, counted from the start of the run
     * @param duration how long it sleeps; positive
     * @param announced whether its agent tells the coordinator first ({@link dev.fleet.HeartbeatMonitor#announceSleep})
     * @throws IllegalArgumentException if {@code machine} or {@code at} is negative, or {@code duration} is not
     *     positive; the message holds the value
     * @throws NullPointerException if a duration is null
     */
    public Sleep {
      SimChecks.machineAndTime(machine, at);
      SimChecks.positive("sleep duration", duration);
    }

    @Override
    public Duration end() {
      return at.plus(duration);
    }
  }

  /**
   * The network between the machine and the coordinator fails for {@code duration}: its heartbeats are lost
   * and assignments for it wait at the coordinator, while its work goes on. Reports it sends meanwhile
   * (started, results) are held until the partition heals, or, if {@code reportsLost}, dropped; the agent
   * then resends every report not yet answered at each heartbeat tick, so they arrive after the heal.
   * Immutable.
   *
   * @param machine which machine, from 0
   * @param at when the network fails, counted from the start of the run
   * @param duration how long until it heals; positive
   * @param reportsLost whether reports sent meanwhile are dropped rather than held
   */
  record Partition(int machine, Duration at, Duration duration, boolean reportsLost) implements Fault {
    /**
     * Checks the components.
     *
     * @param machine which machine, from 0
     * @param at when the network fails, counted from the start of the run
     * @param duration how long until it heals; positive
     * @param reportsLost whether reports sent meanwhile are dropped rather than held
     * @throws IllegalArgumentException if {@code machine} or {@code at} is negative, or {@code duration} is not
     *     positive; the message holds the value
     * @throws NullPointerException if a duration is null
     */
    public Partition {
      SimChecks.machineAndTime(machine, at);
      SimChecks.positive("partition duration", duration);
    }

    /**
     * A partition whose reports are held and delivered when it heals.
     *
     * @param machine which machine, from 0
     * @param at when the network fails, counted from the start of the run
     * @param duration how long until it heals; positive
     */
    public Partition(int machine, Duration at, Duration duration) {
      this(machine, at, duration, false);
    }

    @Override
    public Duration end() {
      return at.plus(duration);
    }
  }

  /**
   * The agent's process stops for {@code duration}, like a garbage-collection pause: no heartbeats and no
   * progress, but nothing is lost; an overdue heartbeat goes out the moment it resumes.
   * Immutable.
   *
   * @param machine which machine, from 0
   * @param at when the pause starts, counted from the start of the run
   * @param duration how long it lasts; positive
   */
  record Pause(int machine, Duration at, Duration duration) implements Fault {
    /**
     * Checks the components.
     *
     * @param machine which machine, from 0
     * @param at when the pause starts, counted from the start of the run
     * @param duration how long it lasts; positive
     * @throws IllegalArgumentException if {@code machine} or {@code at} is negative, or {@code duration} is not
     *     positive; the message holds the value
     * @throws NullPointerException if a duration is null
     */
    public Pause {
      SimChecks.machineAndTime(machine, at);
      SimChecks.positive("pause duration", duration);
    }

    @Override
    public Duration end() {
      return at.plus(duration);
    }
  }

  /**
   * Someone drains the machine ({@link dev.fleet.Registry#drain(dev.fleet.MachineId, Duration)}): it takes no
   * new work and what it runs must be gone from it {@code deadline} later.
   * Immutable.
   *
   * @param machine which machine, from 0
   * @param at when it is drained, counted from the start of the run
   * @param deadline how long its running work may stay; zero or more
   */
  record Drain(int machine, Duration at, Duration deadline) implements Fault {
    /**
     * Checks the components.
     *
     * @param machine which machine, from 0
     * @param at when it is drained, counted from the start of the run
     * @param deadline how long its running work may stay; zero or more
     * @throws IllegalArgumentException if {@code machine} or {@code at} is negative, or {@code deadline} is
     *     negative; the message holds the value
     * @throws NullPointerException if a duration is null
     */
    public Drain {
      SimChecks.machineAndTime(machine, at);
      Objects.requireNonNull(deadline, "deadline");
      if (deadline.isNegative()) {
        throw new IllegalArgumentException("drain deadline must not be negative, got " + deadline);
      }
    }

    @Override
    public Duration end() {
      return at.plus(deadline);
    }
  }
}
