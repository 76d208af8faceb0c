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

  /**
   * The machine's id.
   *
   * @return {@code machine().id()}
   */
  MachineId id();

  /**
   * The machine's registration: role, capabilities, specs, labels.
   *
   * @return the registration as it is now
   */
  Machine machine();

  /**
   * The machine's health; a candidate handed to a strategy is {@link Health#ONLINE}.
   *
   * @return its health now
   */
  Health health();

  /**
   * The load placement uses: reported load plus work dispatched to it that no heartbeat has reported yet.
   *
   * @return 0 idle, 1 fully busy, above 1 oversubscribed
   */
  double load();

  /**
   * Power, heat and owner activity from the machine's last heartbeat.
   *
   * @return the signals; {@link Signals#NONE} if it never sent any
   */
  Signals signals();

  /**
   * Joined-the-fleet order; lower joined earlier. Ties go to the lowest.
   *
   * @return the machine's place in registration order
   */
  long registrationOrder();

  /**
   * Tasks dispatched to it and not yet finished.
   *
   * @return 0 or more
   */
  int activeTasks();
}
