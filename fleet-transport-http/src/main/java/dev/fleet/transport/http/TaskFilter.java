package dev.fleet.transport.http;

import dev.fleet.MachineId;
import dev.fleet.TaskState;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which tasks {@link HttpFleetClient#tasks(TaskFilter)} asks for: in any of some states, on a machine, needing a
 * capability, and how many of the newest matches at most. Start from {@link #all()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param states the states to list; empty lists every state
 * @param machine only tasks whose current or last attempt went to this machine
 * @param capability only tasks that require this capability
 * @param limit at most this many, the newest of the matches; 1 to 10,000
 */
public record TaskFilter(Set<TaskState> states, Optional<MachineId> machine, Optional<String> capability, int limit) {
  /** The limit when none is given. */
  public static final int DEFAULT_LIMIT = 1000;
  /** The largest limit a coordinator answers. */
  public static final int MAX_LIMIT = 10_000;

  /**
   * Validates the filter and copies the states.
   *
   * @param states copied; empty for every state
   * @param machine a machine, or empty for any
   * @param capability a capability that is not blank, or empty for any
   * @param limit from 1 to {@value #MAX_LIMIT}
   * @throws NullPointerException if a component or one of the states is null
   * @throws IllegalArgumentException if {@code capability} is blank or {@code limit} is outside 1 to
   *     {@value #MAX_LIMIT}, naming the bad value
   */
  public TaskFilter {
    Objects.requireNonNull(states, "states");
    states = states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(capability, "capability");
    if (capability.isPresent() && capability.get().isBlank()) {
      throw new IllegalArgumentException("capability must not be blank, got '" + capability.get() + "'");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
    }
  }

  /**
   * Every task, up to the newest {@value #DEFAULT_LIMIT}.
   *
   * @return a filter of every state, machine and capability, with the default limit
   */
  public static TaskFilter all() {
    return new TaskFilter(Set.of(), Optional.empty(), Optional.empty(), DEFAULT_LIMIT);
  }

  /**
   * Only tasks in one of these states, replacing the states asked for before.
   *
   * @param states the states to list; none lists every state
   * @return a new filter; this one is unchanged
   * @throws NullPointerException if a state is null
   */
  public TaskFilter withStates(TaskState... states) {
    return new TaskFilter(Set.copyOf(List.of(states)), machine, capability, limit);
  }

  /**
   * Only tasks whose current or last attempt went to this machine, replacing the machine asked for before.
   *
   * @param machine the machine; not null
   * @return a new filter; this one is unchanged
   * @throws NullPointerException if {@code machine} is null
   */
  public TaskFilter withMachine(MachineId machine) {
    return new TaskFilter(states, Optional.of(machine), capability, limit);
  }

  /**
   * Only tasks that require this capability, replacing the capability asked for before.
   *
   * @param capability the capability's name, e.g. {@code gpu}; not blank
   * @return a new filter; this one is unchanged
   * @throws NullPointerException if {@code capability} is null
   * @throws IllegalArgumentException if {@code capability} is blank
   */
  public TaskFilter withCapability(String capability) {
    return new TaskFilter(states, machine, Optional.of(capability), limit);
  }

  /**
   * At most this many, the newest of the matches.
   *
   * @param limit from 1 to {@value #MAX_LIMIT}
   * @return a new filter; this one is unchanged
   * @throws IllegalArgumentException if {@code limit} is out of that range, naming it
   */
  public TaskFilter withLimit(int limit) {
    return new TaskFilter(states, machine, capability, limit);
  }
}
