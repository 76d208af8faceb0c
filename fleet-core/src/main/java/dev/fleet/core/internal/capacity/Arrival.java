package dev.fleet.core.internal.capacity;

import dev.fleet.Priority;
import dev.fleet.Weight;
import java.util.Optional;
import java.util.Set;

/**
 * One recorded task, as much of it as a replay needs: when it arrived, what it asked for, and how long its last
 * attempt ran (-1 while unknown: it never ran).
 *
 * <p>Immutable and thread-safe.
 */
public record Arrival(long atNanos, Set<String> requires, Optional<String> role, Priority priority, Weight weight,
    long runNanos) {
  public Arrival {
    requires = Set.copyOf(requires);
  }
}
