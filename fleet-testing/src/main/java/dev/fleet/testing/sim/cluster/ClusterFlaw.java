package dev.fleet.testing.sim.cluster;

/**
 * A protection of the simulated replicated log deliberately removed, to show that the cluster properties
 * catch its absence: with any one of these, some schedules lose an acknowledged task, accept two results,
 * deliver an attempt the cluster never committed, or let two nodes dispatch in one term. For tests of the
 * tests only; a real journal has none of them.
 *
 * <p>Immutable.
 */
public enum ClusterFlaw {
  /** A leader's sync returns once its own log has the records, without waiting for a majority. */
  ACK_WITHOUT_MAJORITY,
  /** A node that lost its term is not fenced: its journal's syncs keep returning. */
  NO_FENCING,
  /** A node votes for every candidate that asks in a term, not only the first. */
  VOTE_TWICE,
  /** A node votes for a candidate whose log is less up to date than its own. */
  NO_ELECTION_RESTRICTION,
  /** A follower takes appends from a leader of an older term (a delayed message), truncating its log to them. */
  STALE_APPEND_ACCEPTED
}
