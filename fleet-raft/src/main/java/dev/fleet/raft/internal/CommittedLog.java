package dev.fleet.raft.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jgroups.raft.StateMachine;

/**
 * The replicated state of one node: the records committed by the group, as jgroups-raft applies its log. It
 * holds the latest snapshot's records plus every record committed after it, which is what a fleet replays at
 * open, what jgroups-raft writes into its own snapshot when it truncates its log, and what it sends a follower
 * that lagged behind the leader's truncated log.
 *
 * <p>Threading: jgroups-raft calls {@link #apply} from its single processing thread (and at start, from the
 * thread that connects the channel); readers call from any thread. Every method locks the state, and listeners
 * are called under that lock, so they see records in commit order.
 */
public final class CommittedLog implements StateMachine {

  /**
   * Told the committed state, in commit order, under the log's lock. Its own interface rather than the API's
   * {@code CommitListener}, so this package does not depend on the one that uses it.
   */
  public interface Listener {
    /** The state is now exactly {@code records}, standing for every position up to {@code position}. */
    void restored(long position, List<byte[]> records);

    /** {@code record} was committed at {@code position}. */
    void committed(long position, byte[] record);
  }
  private static final System.Logger LOG = System.getLogger(CommittedLog.class.getName());

  private final String node;
  private final Runnable compact;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  // guarded by this
  private long snapshotPosition;
  private List<byte[]> snapshot = List.of();
  private final ArrayDeque<byte[]> tail = new ArrayDeque<>();

  /**
   * @param compact asked to truncate the Raft log once a snapshot entry was applied; must not block
   */
  public CommittedLog(String node, Runnable compact) {
    this.node = node;
    this.compact = compact;
  }

  /** The position of the last committed record applied here. */
  public synchronized long position() {
    return snapshotPosition + tail.size();
  }

  /** Hands {@code replay} the snapshot's records then every record after it, in order. */
  public synchronized long replay(Consumer<byte[]> replay) {
    snapshot.forEach(r -> replay.accept(r.clone()));
    tail.forEach(r -> replay.accept(r.clone()));
    return position();
  }

  /** Adds {@code listener}, first telling it the state so far. */
  public synchronized void subscribe(Listener listener) {
    listener.restored(position(), all());
    listeners.add(listener);
  }

  /** Removes a listener added by {@link #subscribe} (the first one equal to {@code listener}). */
  public void unsubscribe(Listener listener) {
    listeners.remove(listener);
  }

  private List<byte[]> all() {
    List<byte[]> all = new ArrayList<>(snapshot.size() + tail.size());
    snapshot.forEach(r -> all.add(r.clone()));
    tail.forEach(r -> all.add(r.clone()));
    return all;
  }

  @Override
  public synchronized byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) throws Exception {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, offset, length));
    byte kind = in.readByte();
    long number = in.readLong();
    switch (kind) {
      case Entries.RECORDS -> applyRecords(number, Entries.readRecords(in));
      case Entries.BARRIER -> { } // only its commit matters: everything before it is applied now
      case Entries.SNAPSHOT -> applySnapshot(number, Entries.readRecords(in));
      default -> throw new IllegalStateException(node + ": unknown Raft log entry kind " + kind);
    }
    return null;
  }

  private void applyRecords(long first, List<byte[]> records) {
    long expected = position() + 1;
    if (first != expected) {
      // A batch that does not follow the records applied so far: with two batches in flight, the second can reach
      // the log after the first was dropped (its leader stepped down and was elected again). Every node skips it
      // alike, here and when it replays its log at a restart (throwing there would stop the node from starting),
      // and the leader's sync sees its position not applied and fails.
      LOG.log(System.Logger.Level.WARNING, "{0}: skipped a committed batch of {1} records at position {2}: "
          + "the records applied end at {3}", node, records.size(), first, expected - 1);
      return;
    }
    for (byte[] r : records) {
      tail.addLast(r);
      long p = position();
      for (Listener l : listeners) {
        tell(() -> l.committed(p, r.clone()));
      }
    }
  }

  private void applySnapshot(long at, List<byte[]> state) {
    long last = position();
    if (at < snapshotPosition || at > last) {
      throw new IllegalStateException(node + ": snapshot at position " + at + " outside the committed range "
          + snapshotPosition + ".." + last);
    }
    for (long p = snapshotPosition; p < at; p++) {
      tail.removeFirst();
    }
    snapshot = state;
    snapshotPosition = at;
    compact.run();
  }

  @Override
  public synchronized void readContentFrom(DataInput in) throws Exception {
    long at = in.readLong();
    List<byte[]> state = Entries.readRecords(in);
    List<byte[]> after = Entries.readRecords(in);
    snapshotPosition = at;
    snapshot = state;
    tail.clear();
    tail.addAll(after);
    long p = position();
    for (Listener l : listeners) {
      tell(() -> l.restored(p, all()));
    }
  }

  /** A listener that throws must not stop this node from applying the log: it is logged and skipped. */
  private void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, node + ": a commit listener failed", e);
    }
  }

  @Override
  public synchronized void writeContentTo(DataOutput out) throws Exception {
    out.writeLong(snapshotPosition);
    Entries.writeRecords(out, snapshot);
    Entries.writeRecords(out, tail);
  }

  @Override
  public synchronized String toString() {
    return "CommittedLog[" + node + ", snapshot at " + snapshotPosition + ", position " + position() + "]";
  }
}
