package dev.fleet.testing;

import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link Journal} held in memory, for tests: it keeps apart what was synced and what was only appended, so
 * {@link #crash()} can show what a fleet would find after a power cut, and {@link #failNextSync} makes the
 * next sync fail as a full disk would.
 *
 * <p>Thread-safe: every method synchronizes on the journal.
 */
public final class MemoryJournal implements Journal {
  /** The records of the latest snapshot. */
  private final List<byte[]> snapshot = new ArrayList<>();
  /** The position the snapshot stands for. */
  private long snapshotPosition;
  /** Records after the snapshot, in order: the first has position snapshotPosition + 1. */
  private final List<byte[]> tail = new ArrayList<>();
  private long durable;
  private long epoch;
  private long syncs;
  private long snapshots;
  private boolean opened;
  private boolean closed;
  private JournalException failure;
  private String failNext;

  /** An empty journal. */
  public MemoryJournal() {}

  private MemoryJournal(long epoch) {
    this.epoch = epoch;
  }

  @Override
  public synchronized long open(Consumer<byte[]> replay) {
    if (opened) {
      throw new IllegalStateException("journal is already open (epoch " + epoch + ")");
    }
    opened = true;
    epoch++;
    for (byte[] r : snapshot) {
      replay.accept(r.clone());
    }
    for (byte[] r : tail) {
      replay.accept(r.clone());
    }
    durable = position();
    return epoch;
  }

  @Override
  public synchronized long append(byte[] record) {
    Objects.requireNonNull(record, "record");
    check();
    tail.add(record.clone());
    return position();
  }

  @Override
  public synchronized void sync(long position) {
    if (position <= durable) {
      return;
    }
    check();
    if (failNext != null) {
      failure = new JournalException("journal failed: " + failNext + "; it accepts no more changes");
      failNext = null;
      throw failure;
    }
    syncs++;
    durable = Math.min(position(), Math.max(durable, position));
  }

  @Override
  public synchronized void snapshot(long position, Iterable<byte[]> state) {
    check();
    if (position < snapshotPosition || position > position()) {
      throw new IllegalArgumentException("snapshot position " + position + " is outside " + snapshotPosition + ".."
          + position());
    }
    List<byte[]> records = new ArrayList<>();
    for (byte[] r : state) {
      records.add(r.clone());
    }
    tail.subList(0, (int) (position - snapshotPosition)).clear();
    snapshot.clear();
    snapshot.addAll(records);
    snapshotPosition = position;
    durable = Math.max(durable, position);
    snapshots++;
  }

  @Override
  public synchronized long position() {
    return snapshotPosition + tail.size();
  }

  @Override
  public synchronized long epoch() {
    return epoch;
  }

  @Override
  public synchronized Optional<JournalException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  /**
   * Makes the next sync that has something to write fail, and the journal with it, as a full disk would.
   *
   * @param reason the failure's message, shown wherever the fleet reports it
   * @throws NullPointerException if {@code reason} is null
   */
  public synchronized void failNextSync(String reason) {
    failNext = Objects.requireNonNull(reason, "reason");
  }

  /**
   * How many syncs wrote something; a sync with nothing new to write is not counted.
   *
   * @return the count since this journal was made
   */
  public synchronized long syncs() {
    return syncs;
  }

  /**
   * How many snapshots were taken.
   *
   * @return the count since this journal was made
   */
  public synchronized long snapshots() {
    return snapshots;
  }

  /**
   * The position up to which records are durable, that is, synced.
   *
   * @return the position of the last synced record, or of the snapshot if none was synced after it
   */
  public synchronized long durablePosition() {
    return durable;
  }

  /**
   * How many records a replay would hand out now: the snapshot's and the tail's, synced or not.
   *
   * @return the number of records
   */
  public synchronized int replayLength() {
    return snapshot.size() + tail.size();
  }

  /**
   * What survives a power cut now: a new, unopened journal with the snapshot and only the synced records.
   * This journal is left as it was.
   *
   * @return the journal a restarted fleet would open
   */
  public synchronized MemoryJournal crash() {
    MemoryJournal after = new MemoryJournal(epoch);
    after.snapshot.addAll(snapshot);
    after.snapshotPosition = snapshotPosition;
    after.tail.addAll(tail.subList(0, (int) (durable - snapshotPosition)));
    return after;
  }

  /**
   * A new, unopened journal with everything appended so far, as after a clean shutdown.
   *
   * @return the journal a restarted fleet would open
   */
  public synchronized MemoryJournal reopen() {
    MemoryJournal after = new MemoryJournal(epoch);
    after.snapshot.addAll(snapshot);
    after.snapshotPosition = snapshotPosition;
    after.tail.addAll(tail);
    return after;
  }

  private void check() {
    if (failure != null) {
      throw failure;
    }
    if (closed) {
      throw new JournalException("journal is closed");
    }
    if (!opened) {
      throw new IllegalStateException("journal is not open: call open() first");
    }
  }
}
