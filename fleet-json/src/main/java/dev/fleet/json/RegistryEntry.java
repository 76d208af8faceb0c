package dev.fleet.json;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One machine as the registry file records it: its registration plus the last known health, heartbeat
 * time and load.
 *
 * <p>Immutable and thread-safe.
 *
 * @param machine the registration
 * @param status its health when the file was written; never {@link Health#LEFT}, since a machine that
 *     has left is not in the registry
 * @param lastHeartbeat when it was last heard from, if ever
 * @param currentLoad the load it last reported, a finite number {@code >= 0}
 */
public record RegistryEntry(
    Machine machine, Health status, Optional<Instant> lastHeartbeat, double currentLoad) {

  /**
   * Checks the entry and normalises {@code -0.0} load to {@code 0.0} (so that it is written, and compares, as
   * {@code 0.0}).
   *
   * @param machine the registration
   * @param status its health when the file was written; not {@link Health#LEFT}
   * @param lastHeartbeat when it was last heard from; empty if never
   * @param currentLoad the load it last reported, a finite number {@code >= 0}
   * @throws NullPointerException if {@code machine}, {@code status} or {@code lastHeartbeat} is null
   * @throws IllegalArgumentException if {@code status} is {@link Health#LEFT}, or {@code currentLoad} is
   *     negative, NaN or infinite; the message names the machine and the bad value
   */
  public RegistryEntry {
    Objects.requireNonNull(machine, "machine must not be null");
    Objects.requireNonNull(status, "status of " + machine.id() + " must not be null");
    if (status == Health.LEFT) {
      throw new IllegalArgumentException(
          "status of " + machine.id() + " is 'left'; a machine that has left is not in the registry");
    }
    Objects.requireNonNull(lastHeartbeat, "lastHeartbeat of " + machine.id() + " must not be null (use Optional.empty())");
    if (!(currentLoad >= 0.0) || Double.isInfinite(currentLoad)) {
      throw new IllegalArgumentException(
          "currentLoad of " + machine.id() + " must be a finite number >= 0, got " + currentLoad);
    }
    // -0.0 passes the check but would be written as "-0.0" and break equality with 0.0.
    currentLoad = currentLoad + 0.0;
  }

  /**
   * The machine's id, the key of the entry in the registry (no two entries of one file share it).
   *
   * @return {@code machine().id()}
   */
  public MachineId id() {
    return machine.id();
  }
}
