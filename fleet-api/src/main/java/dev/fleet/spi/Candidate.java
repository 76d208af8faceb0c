package dev.fleet.spi;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Signals;

/**
 * A read-only view of one machine as a placement strategy sees it.
 *
 * <p>Valid only during the {@link PlacementStrategy#select} call it was handed to; do not keep it.
 */
public interface Candidate {

  MachineId id();

  Machine machine();

  Health health();

  /** Reported load plus work dispatched to it that no heartbeat has reported yet. */
  double load();

  Signals signals();

  /** Joined-the-fleet order; lower joined earlier. Ties go to the lowest. */
  long registrationOrder();

  /** Tasks dispatched to it and not yet finished. */
  int activeTasks();
}
