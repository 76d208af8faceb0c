package dev.fleet.core;

import dev.fleet.Assignment;
import dev.fleet.MachineId;
import dev.fleet.spi.Transport;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands attempts to agents in the same JVM: each machine connects an {@link Agent} and receives its own
 * assignments, withdrawals, pauses and resumptions. For tests, simulations and single-JVM fleets.
 *
 * <p>Thread-safe. Agents are called on the fleet's event executor, one call at a time.
 */
public final class InProcessTransport implements Transport {
  private static final System.Logger LOG = System.getLogger(InProcessTransport.class.getName());
  private final ConcurrentHashMap<MachineId, Agent> agents = new ConcurrentHashMap<>();

  /** A transport with no agent connected yet; give it to {@link FleetBuilder#transport} and connect agents. */
  public InProcessTransport() {}

  /**
   * What runs on a machine: receives its assignments, withdrawals, pauses and resumptions.
   *
   * <p>Called on the fleet's event executor, one call at a time; must not block for long.
   */
  public interface Agent {
    /**
     * Run this attempt, and report on it with its token through the fleet's {@link dev.fleet.Dispatcher}.
     *
     * @param assignment the task, its attempt number and the token its reports must carry
     */
    void assigned(Assignment assignment);

    /**
     * Stop this attempt: it moved, was cancelled or its machine was declared lost. Its result would be refused.
     * The default ignores it.
     *
     * @param assignment the attempt withdrawn
     * @param reason why, in words, e.g. {@code "cancelled by request"}
     */
    default void withdrawn(Assignment assignment, String reason) {}

    /**
     * Pause this attempt: the owner of the machine returned. The default ignores it, so the work keeps running;
     * a result reported meanwhile is still accepted.
     *
     * @param assignment the attempt to pause
     * @param reason why, in words
     */
    default void paused(Assignment assignment, String reason) {}

    /**
     * A paused attempt may run again, same token. The default ignores it.
     *
     * @param assignment the attempt to resume
     * @param reason why, in words
     */
    default void resumed(Assignment assignment, String reason) {}
  }

  /**
   * Connects the agent of a machine, replacing any earlier one. Attempts for a machine with no agent are not
   * delivered: they stay out until failure detection moves them, as on a network.
   *
   * @param machine the machine the agent runs on; not null
   * @param agent what receives that machine's attempts; not null
   * @return closing it disconnects this agent (if it is still the machine's); closing throws nothing and may be
   *     repeated
   */
  public dev.fleet.Subscription connect(MachineId machine, Agent agent) {
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(agent, "agent");
    agents.put(machine, agent);
    return () -> agents.remove(machine, agent);
  }

  @Override
  public void deliver(Assignment assignment) {
    Agent a = agents.get(assignment.machine());
    if (a == null) {
      // Like a network send to a dead host: the attempt stays out until failure detection moves it.
      LOG.log(Level.DEBUG, "no agent connected for " + assignment.machine() + "; " + assignment + " not delivered");
      return;
    }
    a.assigned(assignment);
  }

  @Override
  public void withdraw(Assignment assignment, String reason) {
    Agent a = agents.get(assignment.machine());
    if (a != null) {
      a.withdrawn(assignment, reason);
    }
  }

  @Override
  public void pause(Assignment assignment, String reason) {
    Agent a = agents.get(assignment.machine());
    if (a != null) {
      a.paused(assignment, reason);
    }
  }

  @Override
  public void resume(Assignment assignment, String reason) {
    Agent a = agents.get(assignment.machine());
    if (a != null) {
      a.resumed(assignment, reason);
    }
  }
}
