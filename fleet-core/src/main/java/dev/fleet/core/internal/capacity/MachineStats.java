package dev.fleet.core.internal.capacity;

import java.util.Set;

/**
 * What one time bucket (or a window) holds for one machine: its online time, the part it ran nothing, the part
 * it was at the ceiling, and what it offered when last seen.
 *
 * <p>Not thread-safe; its {@link History} guards it.
 */
final class MachineStats {
  long onlineNanos;
  long idleNanos;
  long ceilingNanos;
  Set<String> capabilities = Set.of();
  String role = "";

  void addAll(MachineStats o) {
    onlineNanos += o.onlineNanos;
    idleNanos += o.idleNanos;
    ceilingNanos += o.ceilingNanos;
    capabilities = o.capabilities;
    role = o.role;
  }
}
