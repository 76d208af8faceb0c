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

  /** Every task, up to the newest {@value #DEFAULT_LIMIT}. */
  public static TaskFilter all() {
    return new TaskFilter(Set.of(), Optional.empty(), Optional.empty(), DEFAULT_LIMIT);
  }

  /** Only tasks in one of these states. */
  public TaskFilter withStates(TaskState... states) {
    return new TaskFilter(Set.copyOf(List.of(states)), machine, capability, limit);
  }

  /** Only tasks whose current or last attempt went to this machine. */
  public TaskFilter withMachine(MachineId machine) {
    return new TaskFilter(states, Optional.of(machine), capability, limit);
  }

  /** Only tasks that require this capability. */
  public TaskFilter withCapability(String capability) {
    return new TaskFilter(states, machine, Optional.of(capability), limit);
  }

  /** At most this many, the newest of the matches. */
  public TaskFilter withLimit(int limit) {
    return new TaskFilter(states, machine, capability, limit);
  }
}
