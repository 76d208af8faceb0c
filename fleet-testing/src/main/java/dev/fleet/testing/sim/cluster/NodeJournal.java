package dev.fleet.testing.sim.cluster;

import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@link Journal} of the fleet on a simulated Raft leader, with {@code RaftJournal}'s semantics: {@link #open}
 * commits a barrier in the leader's term (so everything earlier terms committed is committed), replays every
 * committed record after the latest committed snapshot, and returns the term as the epoch; {@link #sync} returns
 * once a majority holds the records in this term, running a replication round over the fake network at that
 * instant, and throws (fencing this journal) when the node cannot get a majority or no longer leads the term.
 * A sync that threw proves nothing lost: followers that got the records may hand them to the next leader, whose
 * {@code open} replays them.
 *
 * <p>Not thread-safe: the simulation is single-threaded, so a sync's round happens inside the call.
 */
final class NodeJournal implements Journal {
  private final RaftNode node;
  private final long term;
  private final RaftGroup group;
  /** The log index of each position, from 1: replayed records first, then appended ones. */
  private final List<Long> indexOf = new ArrayList<>();
  private long synced;
  private JournalException failure;
  private boolean opened;
  private boolean closed;

  NodeJournal(RaftNode node, RaftGroup group) {
    this.node = node;
    this.group = group;
    this.term = node.term;
  }

  /** This node lost the term: every later sync and append throws. */
  void fence(String why) {
    if (failure == null) {
      failure = new JournalException("fenced: " + why + "; this journal of node n" + node.id + " was opened in term "
          + term);
    }
  }

  private boolean leadsMyTerm() {
    return node.leads() && node.term == term && node.journal == this;
  }

  private void check() {
    if (closed) {
      throw new JournalException("the journal of node n" + node.id + " (term " + term + ") is closed");
    }
    if (failure != null && !group.flawed(ClusterFlaw.NO_FENCING)) {
      throw failure;
    }
  }

  @Override
  public long open(Consumer<byte[]> replay) {
    if (opened) {
      throw new IllegalStateException("the journal of node n" + node.id + " is open already");
    }
    opened = true;
    if (!leadsMyTerm()) {
      throw new JournalException("node n" + node.id + " does not lead term " + term + "; it is " + node);
    }
    long barrier = node.appendOwn(Entry.barrier(term));
    if (!node.replicateNow(barrier)) {
      if (node.leads()) {
        node.stepDown("node n" + node.id + " could not commit its barrier in term " + term);
      }
      fence("no majority committed the barrier of term " + term);
      throw failure;
    }
    long after = 0; // the records after this index are replayed; those up to it are in the snapshot
    for (long i = barrier; i >= 1; i--) {
      Entry e = node.entry(i);
      if (e.isSnapshot()) {
        for (byte[] r : e.snapshot()) {
          indexOf.add(e.covers());
          replay.accept(r.clone());
        }
        after = e.covers();
        break;
      }
    }
    for (long i = after + 1; i < barrier; i++) {
      Entry e = node.entry(i);
      if (e.record() != null) {
        indexOf.add(i);
        replay.accept(e.record().clone());
      }
    }
    synced = indexOf.size();
    return term;
  }

  @Override
  public long append(byte[] record) {
    check();
    indexOf.add(node.appendOwn(Entry.record(term, record.clone())));
    return indexOf.size();
  }

  @Override
  public void sync(long position) {
    check();
    if (position <= synced) {
      return;
    }
    long index = indexOf.get((int) position - 1);
    if (group.flawed(ClusterFlaw.NO_FENCING) && failure != null) {
      synced = position;
      return;
    }
    if (!leadsMyTerm()) {
      fence("node n" + node.id + " no longer leads term " + term);
      throw failure;
    }
    if (node.commitIndex >= index || node.replicateNow(index)) {
      synced = position;
      return;
    }
    if (node.leads() && node.term == term) {
      node.stepDown("node n" + node.id + " could not reach a majority in term " + term);
    }
    fence("no majority took the records up to position " + position + " in term " + term);
    if (group.flawed(ClusterFlaw.NO_FENCING)) {
      synced = position;
      return;
    }
    throw failure;
  }

  @Override
  public void snapshot(long position, Iterable<byte[]> state) {
    check();
    List<byte[]> records = new ArrayList<>();
    state.forEach(r -> records.add(r.clone()));
    long covers = position == 0 ? 0 : indexOf.get((int) position - 1);
    long index = node.appendOwn(Entry.snapshot(term, records, covers));
    if (!leadsMyTerm() || !node.replicateNow(index)) {
      if (leadsMyTerm()) {
        node.stepDown("node n" + node.id + " could not commit a snapshot in term " + term);
      }
      fence("the snapshot at position " + position + " was not committed in term " + term);
      throw failure;
    }
  }

  @Override
  public long position() {
    return indexOf.size();
  }

  @Override
  public long epoch() {
    return term;
  }

  @Override
  public Optional<JournalException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public void close() {
    closed = true;
  }
}
