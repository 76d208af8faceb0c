package dev.fleet;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A point-in-time snapshot of one machine: its registration and what the fleet knows of it now.
 *
 * <p>Immutable and thread-safe; it does not change when the machine does.
 *
 * @param machine the registration
 * @param health its state; see {@link Health}
 * @param load the load its last heartbeat reported
 * @param effectiveLoad the load the dispatcher uses: reported load plus work dispatched to it that no
 *     heartbeat has reported yet
 * @param signals power, heat and owner activity from the last heartbeat
 * @param lastHeartbeat wall-clock time of the last heartbeat, to the millisecond; empty if never heard from. For
 *     people and for saved registries (see {@link Registry#register(Machine, Health, double, Optional)}); the
 *     fleet times silence with its ticker
 * @param activeTasks tasks dispatched to it and not yet finished: its slots in use, if it declares slots
 * @param registrationOrder the order it joined in; ties in load go to the lowest
 */
public record MachineStatus(
    Machine machine,
    Health health,
    double load,
    double effectiveLoad,
    Signals signals,
    Optional<Instant> lastHeartbeat,
    int activeTasks,
    long registrationOrder) {

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param machine not null
   * @param health not null
   * @param load finite and not negative
   * @param effectiveLoad finite and not negative
   * @param signals not null
   * @param lastHeartbeat not null; empty if never heard from
   * @param activeTasks 0 or more
   * @param registrationOrder any value
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public MachineStatus {
    Objects.requireNonNull(machine, "machine must not be null");
    Objects.requireNonNull(health, "health must not be null");
    Checks.load("load of", machine.id(), load);
    Checks.load("effectiveLoad of", machine.id(), effectiveLoad);
    Objects.requireNonNull(signals, "signals must not be null");
    Objects.requireNonNull(lastHeartbeat, "lastHeartbeat must not be null");
    if (activeTasks < 0) {
      throw new IllegalArgumentException("activeTasks of " + machine.id() + " must be >= 0, got " + activeTasks);
    }
  }

  /**
   * The machine's id, from its registration.
   *
   * @return {@code machine().id()}
   */
  public MachineId id() {
    return machine.id();
  }

  /**
   * How many more tasks the fleet may dispatch to it now: its {@linkplain Machine#slots() slots} less
   * {@link #activeTasks()}, never below 0; empty if it declares no slots (then only its load limits it).
   *
   * @return the free slots, 0 or more, or empty if the machine declares no slots
   */
  public OptionalInt slotsFree() {
    OptionalInt slots = machine.slots();
    return slots.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Math.max(0, slots.getAsInt() - activeTasks));
  }
}
