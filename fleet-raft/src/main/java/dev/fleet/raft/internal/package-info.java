/**
 * Not API: the parts of {@code dev.fleet.raft.RaftJournal} that speak jgroups-raft (the protocol stack, the log
 * entry format, the committed state machine and the leader's batched writes). Not exported; may change in any
 * release.
 */
package dev.fleet.raft.internal;
