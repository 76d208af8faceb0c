package dev.fleet.testing.sim.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * One thing that goes wrong with the simulated coordinators, at a moment of virtual time counted from the start
 * of the run: a node crashes (and restarts {@code duration} later with its log), pauses (a long GC pause or
 * SIGSTOP: it does nothing, and then carries on as if no time had passed), or is cut off from the other
 * coordinators by a partition (and, if {@code agentsToo}, from the agents as well). The node is named, or
 * {@link #LEADER} for whichever node leads at that moment (nothing happens if none does), or {@link #FOLLOWER}
 * for the lowest-numbered running node that does not lead.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what happens
 * @param node the node, from 0, or {@link #LEADER} or {@link #FOLLOWER}
 * @param at when, from the start of the run
 * @param duration how long it lasts
 * @param agentsToo for an isolation, whether the agents lose the node too
 */
public record ClusterFault(Kind kind, int node, Duration at, Duration duration, boolean agentsToo) {
  /** The node that leads when the fault happens. */
  public static final int LEADER = -1;
  /** The lowest-numbered running node that does not lead when the fault happens. */
  public static final int FOLLOWER = -2;

  /** What happens to the node. */
  public enum Kind {
    /** The node dies and restarts later with its log. */
    CRASH,
    /** The node stops and later carries on as if no time had passed. */
    PAUSE,
    /** The node is cut off from the other coordinators, and perhaps from the agents. */
    ISOLATE
  }

  /**
   * Checks the fault.
   *
   * @param kind what happens
   * @param node the node, from 0, or {@link #LEADER} or {@link #FOLLOWER}
   * @param at when, from the start of the run
   * @param duration how long it lasts
   * @param agentsToo for an isolation, whether the agents lose the node too
   * @throws IllegalArgumentException if the node is below {@link #FOLLOWER}, {@code at} is negative or the
   *     duration is not positive; the message holds the value
   * @throws NullPointerException if {@code kind}, {@code at} or {@code duration} is null
   */
  public ClusterFault {
    Objects.requireNonNull(kind, "kind");
    if (node < FOLLOWER) {
      throw new IllegalArgumentException("node must be >= 0, LEADER (-1) or FOLLOWER (-2), got " + node);
    }
    Objects.requireNonNull(at, "at");
    if (at.isNegative()) {
      throw new IllegalArgumentException("a fault cannot happen before the run starts, got at " + at);
    }
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("a fault must last longer than zero, got " + duration);
    }
  }

  /**
   * The node crashes at {@code at} and restarts {@code down} later.
   *
   * @param node the node, from 0, or {@link #LEADER} or {@link #FOLLOWER}
   * @param at when, from the start of the run
   * @param down how long it stays down; positive
   * @return the fault
   */
  public static ClusterFault crash(int node, Duration at, Duration down) {
    return new ClusterFault(Kind.CRASH, node, at, down, false);
  }

  /**
   * The node stops for {@code length}, then resumes.
   *
   * @param node the node, from 0, or {@link #LEADER} or {@link #FOLLOWER}
   * @param at when, from the start of the run
   * @param length how long it stops; positive
   * @return the fault
   */
  public static ClusterFault pause(int node, Duration at, Duration length) {
    return new ClusterFault(Kind.PAUSE, node, at, length, false);
  }

  /**
   * The node is cut off from the other coordinators (and the agents, if {@code agentsToo}) for {@code length}.
   *
   * @param node the node, from 0, or {@link #LEADER} or {@link #FOLLOWER}
   * @param at when, from the start of the run
   * @param length how long until the partition heals; positive
   * @param agentsToo whether the agents lose the node too
   * @return the fault
   */
  public static ClusterFault isolate(int node, Duration at, Duration length, boolean agentsToo) {
    return new ClusterFault(Kind.ISOLATE, node, at, length, agentsToo);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + (node == LEADER ? "leader" : node == FOLLOWER ? "a follower" : "n" + node) + " at "
        + at.toMillis() / 1000.0 + "s for " + duration.toMillis() / 1000.0 + "s" + (agentsToo ? " (agents too)" : "");
  }
}
