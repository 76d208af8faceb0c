package dev.fleet.testing.sim.cluster;

import java.util.List;

/**
 * The messages of the simulated Raft: votes and log replication, as in the Raft paper (section 5), without
 * membership changes or log compaction messages (a snapshot is an ordinary log entry here).
 *
 * <p>Immutable.
 */
sealed interface Message {
  /** The sender's term. */
  long term();

  /** A candidate asks for a vote. */
  record VoteRequest(long term, int candidate, long lastIndex, long lastTerm) implements Message {}

  /** A voter answers. */
  record VoteReply(long term, int voter, boolean granted) implements Message {}

  /** A leader sends entries after {@code prevIndex} (none for a heartbeat) and its commit index. */
  record Append(long term, int leader, long prevIndex, long prevTerm, List<Entry> entries, long leaderCommit)
      implements Message {}

  /**
   * A follower answers an append: on success how far its log now matches the leader's; on failure the index
   * the leader should try next.
   */
  record AppendReply(long term, int from, boolean success, long match, long retryFrom) implements Message {}
}
