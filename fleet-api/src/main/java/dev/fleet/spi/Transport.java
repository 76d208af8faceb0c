package dev.fleet.spi;

import dev.fleet.Assignment;

/**
 * How dispatched work reaches machines: the fleet hands every attempt to the transport, and tells it
 * when an attempt is withdrawn (moved elsewhere, cancelled, or its machine declared lost), paused or resumed.
 *
 * <p>Called on the fleet's event executor, one call at a time, in the order the fleet decided, never under
 * the fleet's lock. Must not block for long: queue the work and return. A transport that throws is logged
 * and the attempt stays dispatched; if the machine never runs it, failure detection moves it.
 */
public interface Transport {

  /**
   * Send this attempt to its machine.
   *
   * @param assignment the attempt: task, machine, attempt number and the token its reports must carry
   */
  void deliver(Assignment assignment);

  /**
   * The attempt is no longer the task's current one; its machine should stop it. Its results are refused.
   *
   * @param assignment the attempt withdrawn, as it was delivered
   * @param reason why, for people, e.g. {@code "cancelled by request"}
   */
  void withdraw(Assignment assignment, String reason);

  /**
   * The attempt stays the task's current one but should pause: the owner of its machine returned (see
   * {@link dev.fleet.OwnerReturnPolicy}). A result it reports while paused is still accepted.
   *
   * <p>The default tells the machine nothing, so the work keeps running there while the fleet shows it
   * paused; a transport that can reach its agents should pass this on.
   *
   * @param assignment the attempt to pause, as it was delivered
   * @param reason why, for people
   */
  default void pause(Assignment assignment, String reason) {}

  /**
   * A paused attempt may run again on the same machine, with the same token. The default tells the machine
   * nothing (see {@link #pause}).
   *
   * @param assignment the attempt to resume, as it was delivered
   * @param reason why, for people
   */
  default void resume(Assignment assignment, String reason) {}
}
