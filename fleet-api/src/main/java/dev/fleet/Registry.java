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
   * @param machine what the machine is and can do; not null
   * @return the machine's state just after registering
   * @throws IllegalArgumentException if the fleet refuses the registration, as {@link #check} says
   * @throws IllegalStateException if a machine with that id is registered already
   */
  MachineStatus register(Machine machine);

  /**
   * Adds a machine in a known state, as when loading a saved registry.
   *
   * @param machine what the machine is and can do; not null
   * @param health the health it starts in; neither {@link Health#LEFT} nor {@link Health#UNKNOWN}
   * @param load the load it starts with, as a heartbeat reports it: 0 idle, 1 fully busy; not negative
   * @return the machine's state just after registering
   * @throws IllegalStateException if a machine with that id is registered already
   * @throws IllegalArgumentException if {@code health} is {@link Health#LEFT} or {@link Health#UNKNOWN}, {@code load}
   *     is negative or not finite, or the fleet refuses a label (see {@link #check})
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
   * @param machine what the machine is and can do; not null
   * @param health the health it starts in (before the detector judges its silence); neither {@link Health#LEFT} nor {@link Health#UNKNOWN}
   * @param load the load it starts with, as a heartbeat reports it: 0 idle, 1 fully busy; not negative
   * @param lastHeard when it was last heard from, wall-clock time; empty if never; not null
   * @return the machine's state just after registering
   * @throws IllegalStateException if a machine with that id is registered already
   * @throws IllegalArgumentException if {@code health} is {@link Health#LEFT} or {@link Health#UNKNOWN}, {@code load}
   *     is negative or not finite, or the fleet refuses a label (see {@link #check}), or
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
   * @param machine the registration to check; not null
   * @throws NullPointerException if {@code machine} is null
   * @throws IllegalArgumentException naming the bad value, if the fleet would refuse it (e.g. a label the fleet
   *     reads, such as quiet hours, that does not parse)
   */
  default void check(Machine machine) {
    java.util.Objects.requireNonNull(machine, "machine must not be null");
  }

  /**
   * Replaces a machine's registration (role, capabilities, specs, labels), keeping its health and load.
   *
   * @param machine the new registration; its {@link Machine#id()} names the machine to update
   * @return the machine's state with the new registration
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus update(Machine machine);

  /**
   * Stops giving the machine new work; what it runs finishes.
   *
   * @param id the machine to drain
   * @return the machine's state: {@link Health#DRAINING} if it was online or suspect, else its health unchanged
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus drain(MachineId id);

  /**
   * Stops giving the machine new work; what it runs may finish until {@code deadline}, after which it is
   * moved to other machines as new attempts.
   *
   * @param id the machine to drain
   * @param deadline how long, from now (ticker time), its running work may take to finish; zero moves it now
   * @return the machine's state: {@link Health#DRAINING} if it was online or suspect, else its health unchanged
   * @throws IllegalArgumentException if {@code deadline} is negative
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus drain(MachineId id, java.time.Duration deadline);

  /**
   * Drains the machine before it shuts down: like {@link #drain(MachineId, java.time.Duration)}, and when the
   * machine comes back after going offline it is re-enabled automatically instead of staying drained.
   *
   * @param id the machine about to shut down
   * @param deadline how long, from now (ticker time), its running work may take to finish; zero moves it now
   * @return the machine's state: {@link Health#DRAINING} if it was online or suspect, else its health unchanged
   * @throws IllegalArgumentException if {@code deadline} is negative
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus drainForShutdown(MachineId id, java.time.Duration deadline);

  /**
   * Ends a drain: the machine takes work again (if it is still heartbeating).
   *
   * @param id the drained machine
   * @return the machine's state after the drain ended
   * @throws UnknownMachineException if it is not registered
   */
  MachineStatus undrain(MachineId id);

  /**
   * Removes a machine. Its unfinished tasks are no longer counted against it.
   *
   * @param id the machine to remove
   * @return whether it was registered; false changes nothing
   */
  boolean deregister(MachineId id);

  /**
   * One machine's state now.
   *
   * @param id the machine to look up
   * @return its state, or empty if it is not registered
   */
  Optional<MachineStatus> get(MachineId id);

  /**
   * Every machine, in registration order.
   *
   * @return an immutable snapshot; empty if no machine is registered
   */
  List<MachineStatus> list();

  /**
   * How many machines are registered, whatever their health.
   *
   * @return the count now, 0 or more
   */
  int size();
}
