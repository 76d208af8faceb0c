package dev.fleet.spi;

import dev.fleet.Assignment;

/**
 * How dispatched work reaches machines: the fleet hands every attempt to the transport, and tells it
 * when an attempt is withdrawn (moved elsewhere, cancelled, or its machine declared lost).
 *
 * <p>Called on the fleet's event executor, one call at a time, in the order the fleet decided, never under
 * the fleet's lock. Must not block for long: queue the work and return. A transport that throws is logged
 * and the attempt stays dispatched; if the machine never runs it, failure detection moves it.
 */
public interface Transport {

  /** Send this attempt to its machine. */
  void deliver(Assignment assignment);

  /** The attempt is no longer the task's current one; its machine should stop it. Its results are refused. */
  void withdraw(Assignment assignment, String reason);
}
