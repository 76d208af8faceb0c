/**
 * A fleet journal replicated among a fixed group of coordinators through Raft: {@link dev.fleet.raft.RaftJournal}
 * is one node of the group, which a leader's fleet opens as its {@link dev.fleet.spi.Journal} and every node
 * follows with a {@link dev.fleet.raft.CommitListener}.
 */
package dev.fleet.raft;
