/**
 * A fleet journal replicated among several coordinators through Raft, on jgroups-raft:
 * {@code dev.fleet.raft.RaftJournal} is the entry point.
 *
 * <p>JGroups and jgroups-raft are automatic modules ({@code jgroups.raft} is named after its jar file, which has
 * no {@code Automatic-Module-Name}); neither appears in this module's API, so neither is re-exported.
 */
module dev.fleet.raft {
  // RaftJournal implements dev.fleet.spi.Journal and takes a dev.fleet.spi.Ticker.
  requires transitive dev.fleet.api;
  requires org.jgroups;
  requires jgroups.raft;

  exports dev.fleet.raft;
}
