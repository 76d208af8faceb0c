package dev.fleet.testing.sim.cluster;

import java.util.List;

/**
 * One entry of a simulated Raft log: the term it was made in, and what it carries (a barrier a new leader
 * commits in its term, one fleet record, or a snapshot that replaces the records up to a log index).
 *
 * <p>Immutable; the byte arrays are never changed after the entry is made.
 *
 * @param term the term of the leader that made it
 * @param record the fleet's record, or null for a barrier or a snapshot
 * @param snapshot the snapshot's records, or null unless this is a snapshot
 * @param covers for a snapshot, the last log index whose records it replaces
 */
record Entry(long term, byte[] record, List<byte[]> snapshot, long covers) {

  static Entry barrier(long term) {
    return new Entry(term, null, null, 0);
  }

  static Entry record(long term, byte[] record) {
    return new Entry(term, record, null, 0);
  }

  static Entry snapshot(long term, List<byte[]> state, long covers) {
    return new Entry(term, null, List.copyOf(state), covers);
  }

  boolean isSnapshot() {
    return snapshot != null;
  }

  @Override
  public String toString() {
    return "Entry[term " + term + (record != null ? ", record" : isSnapshot() ? ", snapshot to " + covers : ", barrier")
        + "]";
  }
}
