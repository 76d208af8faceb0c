package dev.fleet;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A machine's registration: who it is and what it can do. Its changing state (health, load) lives in
 * {@link MachineStatus}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the machine's stable name
 * @param hostname how to reach it (a DNS name or an address)
 * @param role what the owner uses it for, e.g. {@code primary}, {@code cron}, {@code interface}
 * @param capabilities the kinds of work it can do, e.g. {@code inference}; order kept as given
 * @param specs its hardware as written by the owner
 * @param labels free-form facts, e.g. {@code form=laptop}
 */
public record Machine(
    MachineId id,
    String hostname,
    String role,
    Set<String> capabilities,
    Specs specs,
    Map<String, String> labels) {

  public Machine {
    Objects.requireNonNull(id, "id must not be null");
    Checks.text("hostname of " + id, hostname, 253);
    if (hostname.isBlank()) {
      throw new IllegalArgumentException("hostname of " + id + " must not be blank");
    }
    Checks.name("role of " + id, role);
    capabilities = Checks.names("capability of " + id, capabilities);
    Objects.requireNonNull(specs, "specs of " + id + " must not be null (use Specs.NONE)");
    labels = Checks.map("label of " + id, labels);
  }

  /** A machine with no specs or labels. */
  public static Machine of(String id, String hostname, String role, Collection<String> capabilities) {
    return new Machine(new MachineId(id), hostname, role, new java.util.LinkedHashSet<>(capabilities), Specs.NONE, Map.of());
  }

  public boolean can(String capability) {
    return capabilities.contains(capability);
  }

  /** A copy with other capabilities (roles and capabilities may rotate at runtime). */
  public Machine withCapabilities(Collection<String> newCapabilities) {
    return new Machine(id, hostname, role, Checks.names("capability of " + id, newCapabilities), specs, labels);
  }

  /** A copy with another role. */
  public Machine withRole(String newRole) {
    return new Machine(id, hostname, newRole, capabilities, specs, labels);
  }
}
