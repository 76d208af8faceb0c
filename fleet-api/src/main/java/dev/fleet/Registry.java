package dev.fleet;

import java.util.List;
import java.util.Optional;

/**
 * The machines of the fleet and what they can do.
 *
 * <p>Thread-safe. Every change takes effect for the next dispatch decision and may let queued tasks
 * run. Reads return snapshots that do not change afterwards.
 */
public interface Registry {

  /**
   * Adds a machine, {@link Health#ONLINE} with load 0; registering counts as its first sign of life.
   *
   * @throws IllegalStateException if a machine with that id is registered already
   */
  MachineStatus register(Machine machine);

  /**
   * Adds a machine in a known state, as when loading a saved registry.
   *
   * @throws IllegalStateException if a machine with that id is registered already
   * @throws IllegalArgumentException if {@code health} is {@link Health#LEFT} or {@code load} is negative
   */
  MachineStatus register(Machine machine, Health health, double load);

  /**
   * Adds a machine in a known state, last heard from at {@code lastHeard} (wall-clock time), as when loading a
   * saved registry that records each machine's last heartbeat. The failure detector judges the machine's silence
   * from {@code lastHeard} as if a heartbeat had arrived then: one silent longer than the detector allows is
   * {@link Health#SUSPECT} or {@link Health#OFFLINE} as soon as it is registered, with no fresh grace. The
   * offline prune time counts from then too, and as it was heard from, the never-heard prune time does not apply.
   * A time after now counts as now; the time is kept to the millisecond and is its
   * {@link MachineStatus#lastHeartbeat()} until it heartbeats. Empty means never heard from: its silence counts
   * from now, as with {@link #register(Machine, Health, double)}, but its {@code lastHeartbeat} stays empty until
   * its first heartbeat.
   *
   * @throws IllegalStateException if a machine with that id is registered already
   * @throws IllegalArgumentException if {@code health} is {@link Health#LEFT} or {@code load} is negative, or
   *     {@code lastHeard} is too far from now to be a time in milliseconds
   * @throws UnsupportedOperationException if this registry cannot take a last-heard time
   */
  default MachineStatus register(Machine machine, Health health, double load,
      java.util.Optional<java.time.Instant> lastHeard) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot register a machine with the time it "
        + "was last heard");
  }

  /**
   * Checks a registration as {@code register} would, without registering anything: so that many machines can be
   * checked first and then registered all or none.
   *
   * @throws IllegalArgumentException naming the bad value, if the fleet would refuse it (e.g. a label the fleet
   *     reads, such as quiet hours, that does not parse)
   */
  default void check(Machine machine) {
    java.util.Objects.requireNonNull(machine, "machine must not be null");
  }

  /**
   * Replaces a machine's registration (role, capabilities, specs, labels), keeping its health and load.
   *
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus update(Machine machine);

  /**
   * Stops giving the machine new work; what it runs finishes.
   *
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus drain(MachineId id);

  /**
   * Stops giving the machine new work; what it runs may finish until {@code deadline}, after which it is
   * moved to other machines as new attempts.
   *
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus drain(MachineId id, java.time.Duration deadline);

  /**
   * Drains the machine before it shuts down: like {@link #drain(MachineId, java.time.Duration)}, and when the
   * machine comes back after going offline it is re-enabled automatically instead of staying drained.
   *
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus drainForShutdown(MachineId id, java.time.Duration deadline);

  /**
   * Ends a drain: the machine takes work again (if it is still heartbeating).
   *
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus undrain(MachineId id);

  /**
   * Removes a machine. Its unfinished tasks are no longer counted against it.
   *
   * @return whether it was registered
   */
  boolean deregister(MachineId id);

  Optional<MachineStatus> get(MachineId id);

  /** Every machine, in registration order. */
  List<MachineStatus> list();

  int size();
}
