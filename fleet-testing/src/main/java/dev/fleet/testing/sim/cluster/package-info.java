/**
 * The simulator's cluster mode: replicated coordinators on a simulated Raft, for properties of a real fleet
 * run the way {@code fleet coordinator --peers} runs it.
 *
 * <p>{@link dev.fleet.testing.sim.cluster.ClusterSimulator} runs 3 or 5 coordinators over a fake network that
 * loses, delays and partitions their messages; the Raft follows the paper's rules (terms, one vote per term,
 * the election restriction, replication with conflict truncation, commitment of an entry of the leader's own
 * term by a majority) and a leader steps down when it sees a higher term or hears from no majority. Each node
 * that wins an election builds a fresh fleet with a {@link dev.fleet.testing.sim.cluster.ClusterFleetFactory}
 * over its journal, which has {@code RaftJournal}'s semantics: opening commits a barrier in the term and
 * replays what was committed; a sync returns once a majority holds the records and otherwise fences the
 * journal. Simulated agents and a client follow the leader; {@link dev.fleet.testing.sim.cluster.ClusterFault}s
 * crash, pause and isolate coordinators; {@link dev.fleet.testing.sim.cluster.ClusterResult} records what
 * every leader delivered and accepted, and {@link dev.fleet.testing.sim.cluster.ClusterInvariants} checks it.
 * {@link dev.fleet.testing.sim.cluster.ClusterFlaw} removes one protection at a time, to show the checks catch
 * its absence. Same seed, same run.
 */
package dev.fleet.testing.sim.cluster;
