package dev.fleet;

import java.time.Duration;
import java.util.Optional;

/**
 * Knows from heartbeats which machines are alive.
 *
 * <p>The state machine is documented on {@link Health}. The fleet's {@link dev.fleet.spi.FailureDetector}
 * decides when silence makes a machine {@link Health#SUSPECT} (no new work) and then {@link Health#OFFLINE}
 * (its work moves elsewhere); with the default fixed-timeout detector that is after {@link #suspectAfter()}
 * and {@link #offlineAfter()}. Any accepted heartbeat brings a suspect or offline machine back
 * {@link Health#ONLINE}. Each transition is published as a {@link FleetEvent.HealthChanged}.
 *
 * <p>Thread-safe. The fleet runs {@link #sweep} on its scheduler; tests call it with a time of their
 * choosing.
 */
public interface HeartbeatMonitor {

  /**
   * Records a heartbeat: the machine is alive now (by the fleet's ticker, not any time the agent sent), with
   * the load and signals it reports.
   *
   * <p>A heartbeat is ignored when its {@link Heartbeat#sequence() sequence} is 1 or more and not greater than
   * the last sequence accepted from that machine: a duplicate, or one overtaken by a newer one. An ignored
   * heartbeat changes nothing: not the machine's health, load or signals, nor its silence as the failure
   * detector counts it. A sequence of 0 is always accepted: it is a new run of the machine's agent, and if the
   * machine was heard from before (or restored from a journal), the attempts of its last run are taken to be
   * lost and move on as they would if the machine had gone offline.
   *
   * @param heartbeat what the machine says; not null
   * @return true if it was accepted; false if it was ignored as above
   * @throws NullPointerException if {@code heartbeat} is null
   * @throws UnknownMachineException if the machine is not registered
   */
  boolean heartbeat(Heartbeat heartbeat);

  /**
   * Moves silent machines to SUSPECT or OFFLINE as of {@code nowNanos}, and does the other work that falls due
   * with time (drain and task deadlines, reschedule delays, pauses, pruning).
   *
   * @param nowNanos the time to sweep as of, a reading of the fleet's {@link dev.fleet.spi.Ticker} (nanoseconds
   *     from no fixed origin, not wall-clock time)
   * @return the ticker time at which the next sweep is needed
   */
  long sweep(long nowNanos);

  /**
   * The machine announced it is going to sleep: it becomes {@link Health#ASLEEP}, takes no new work, and
   * its tasks wait for it up to their {@link dev.fleet.ReschedulePolicy#asleepGrace()} instead of failing
   * over at once. Its next heartbeat wakes it.
   *
   * @param machine the machine going to sleep
   * @return the machine's state after the announcement
   * @throws UnknownMachineException if the machine is not registered
   */
  MachineStatus announceSleep(MachineId machine);

  /**
   * The machine said goodbye (its agent is stopping): it is {@link Health#OFFLINE} at once, with the reason
   * "left", and its unfinished attempts move to other machines now, as new attempts, exactly as when a machine is
   * found offline, without waiting for {@link #offlineAfter()}. It stays registered: its next heartbeat brings it
   * back and it takes work again (a drain for shutdown ends then; a drain asked for with
   * {@link Registry#drain(MachineId)} stays). Journaled, so a fleet restarted from its journal still has it
   * offline. Announcing it again while it is away changes nothing.
   *
   * @param machine the machine leaving
   * @return the machine's state after the announcement, {@link Health#OFFLINE}
   * @throws UnknownMachineException if the machine is not registered
   */
  MachineStatus announceLeave(MachineId machine);

  /**
   * The failure detector's current suspicion of a machine, for people; only comparable between readings of
   * the same detector.
   *
   * @param machine the machine to judge
   * @return phi for the phi-accrual detector, seconds of silence for the fixed-timeout one; 0 or more
   * @throws UnknownMachineException if the machine is not registered
   */
  double suspicion(MachineId machine);

  /**
   * The machine's current health.
   *
   * @param machine the machine to look up
   * @return its health now
   * @throws UnknownMachineException if the machine is not registered
   */
  Health health(MachineId machine);

  /**
   * How often agents are asked to heartbeat.
   *
   * @return the interval, positive
   */
  Duration interval();

  /**
   * The silence after which the default fixed-timeout detector makes a machine {@link Health#SUSPECT}; another
   * detector decides by its own rule and this is only its setting.
   *
   * @return the silence, positive
   */
  Duration suspectAfter();

  /**
   * The silence after which the default fixed-timeout detector makes a machine {@link Health#OFFLINE} and moves
   * its work; another detector decides by its own rule and this is only its setting.
   *
   * @return the silence, longer than {@link #suspectAfter()}
   */
  Duration offlineAfter();

  /**
   * How long a machine that registered may stay without a first heartbeat before the fleet removes it; empty if
   * such machines are kept (the default).
   *
   * @return the limit, or empty
   */
  default Optional<Duration> pruneNeverHeardAfter() {
    return Optional.empty();
  }

  /**
   * How long a machine may stay silent (offline or asleep) before the fleet removes it; empty if silent
   * machines are kept (the default).
   *
   * @return the limit, or empty
   */
  default Optional<Duration> pruneOfflineAfter() {
    return Optional.empty();
  }
}
