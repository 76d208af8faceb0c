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
   * Records a heartbeat.
   *
   * @return false if it was ignored because its sequence is not newer than the last one accepted
   * @throws UnknownMachineException if the machine is not registered
   */
  boolean heartbeat(Heartbeat heartbeat);

  /**
   * Moves silent machines to SUSPECT or OFFLINE as of {@code nowNanos} (ticker time).
   *
   * @return the ticker time at which the next sweep is needed
   */
  long sweep(long nowNanos);

  /**
   * The machine announced it is going to sleep: it becomes {@link Health#ASLEEP}, takes no new work, and
   * its tasks wait for it up to their {@link dev.fleet.ReschedulePolicy#asleepGrace()} instead of failing
   * over at once. Its next heartbeat wakes it.
   *
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
   * @throws UnknownMachineException if the machine is not registered
   */
  MachineStatus announceLeave(MachineId machine);

  /** The failure detector's current suspicion of a machine (phi, or seconds of silence), for people. */
  double suspicion(MachineId machine);

  /**
   * The machine's current health.
   *
   * @throws UnknownMachineException if the machine is not registered
   */
  Health health(MachineId machine);

  /** How often agents are asked to heartbeat. */
  Duration interval();

  Duration suspectAfter();

  Duration offlineAfter();

  /**
   * How long a machine that registered may stay without a first heartbeat before the fleet removes it; empty if
   * such machines are kept (the default).
   */
  default Optional<Duration> pruneNeverHeardAfter() {
    return Optional.empty();
  }

  /**
   * How long a machine may stay silent (offline or asleep) before the fleet removes it; empty if silent
   * machines are kept (the default).
   */
  default Optional<Duration> pruneOfflineAfter() {
    return Optional.empty();
  }
}
