package dev.fleet.raft;

import java.util.List;

/**
 * Follows the committed records of a {@link RaftJournal} on any node, leader or follower: what a follower
 * applies to answer reads, in the same order on every node.
 *
 * <p>Threading: called by one thread at a time, in commit order, while the node's committed state is locked; a
 * listener must return quickly and must not call back into the journal.
 */
public interface CommitListener {

  /**
   * The committed state is now exactly what {@code records} make, and it stands for every position up to
   * {@code position}: called first when the listener is added, and again when the node replaces its state by a
   * snapshot from the leader (it lagged too far behind). Whatever the listener built before is to be dropped.
   *
   * @param position the position of the last record the state stands for; 0 for an empty journal
   * @param records the records that recreate the state, oldest first: copies the listener may keep
   */
  void restored(long position, List<byte[]> records);

  /**
   * A record was committed by a majority and applied here: the state now stands for {@code position}.
   *
   * @param position the record's position, one more than the one before it
   * @param record the record as appended on the leader: a copy the listener may keep
   */
  void committed(long position, byte[] record);
}
