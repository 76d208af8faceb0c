package dev.fleet.raft;

/**
 * The role a {@link RaftJournal}'s node plays in its group. Immutable.
 */
public enum RaftRole {
  /** The one node that appends; its {@link RaftJournal#sync} commits through a majority. */
  LEADER,
  /** Every other node, including one that does not know the leader (during an election, or cut off). */
  FOLLOWER
}
