package dev.fleet;

import java.time.Duration;

/**
 * Knows from heartbeats which machines are alive.
 *
 * <p>The state machine is documented on {@link Health}. A machine silent for {@link #suspectAfter()}
 * becomes {@link Health#SUSPECT} and takes no new work; silent for {@link #offlineAfter()} it becomes
 * {@link Health#OFFLINE}. Any accepted heartbeat brings a suspect or offline machine back
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
   * The machine's current health.
   *
   * @throws UnknownMachineException if the machine is not registered
   */
  Health health(MachineId machine);

  /** How often agents are asked to heartbeat. */
  Duration interval();

  Duration suspectAfter();

  Duration offlineAfter();
}
