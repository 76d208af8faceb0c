package dev.fleet.core.internal.journal;

import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The file journal's life cycle on a {@link Storage}: lock, epoch, recovery, then appends through a
 * {@link LogWriter} and snapshots through {@link Snapshots}. Thread-safe as {@link Journal} requires.
 */
public final class DirectoryJournal implements Journal {
  private final Storage storage;
  private final long segmentBytes;
  private final boolean fsync;
  private final Object snapshotLock = new Object();

  private volatile LogWriter log;
  private Snapshots snapshots; // guarded by snapshotLock
  private Closeable dirLock;
  private long epoch;
  private boolean opened;
  private volatile boolean closed;

  public DirectoryJournal(Storage storage, long segmentBytes, boolean fsync) {
    this.storage = storage;
    this.segmentBytes = segmentBytes;
    this.fsync = fsync;
  }

  @Override
  public synchronized long open(Consumer<byte[]> replay) {
    Objects.requireNonNull(replay, "replay");
    if (opened) {
      throw new IllegalStateException("journal in " + storage.describe() + " was already opened");
    }
    opened = true;
    try {
      dirLock = lock();
      epoch = EpochFile.advance(storage);
      Recovery.Result recovered = Recovery.run(storage, epoch, replay);
      snapshots = new Snapshots(storage, recovered.snapshots());
      log = new LogWriter(storage, epoch, segmentBytes, fsync, recovered);
      return epoch;
    } catch (IOException e) {
      releaseLock();
      throw new JournalException("journal in " + storage.describe() + " could not be opened: " + e, e);
    } catch (RuntimeException | Error e) {
      releaseLock();
      throw e;
    }
  }

  private Closeable lock() throws IOException {
    Closeable lock;
    try {
      lock = storage.lock();
    } catch (OverlappingFileLockException e) {
      throw new JournalException("journal directory " + storage.describe()
          + " is in use by another journal in this process (its lock file is held)");
    }
    if (lock == null) {
      throw new JournalException("journal directory " + storage.describe()
          + " is in use by another process (its lock file is held); stop that coordinator first");
    }
    return lock;
  }

  @Override
  public long append(byte[] record) {
    Objects.requireNonNull(record, "record");
    return writer().append(record);
  }

  @Override
  public void sync(long position) {
    writer().sync(position);
  }

  @Override
  public void snapshot(long position, Iterable<byte[]> state) {
    Objects.requireNonNull(state, "state");
    LogWriter w = writer();
    synchronized (snapshotLock) {
      w.checkWritable();
      long last = w.appended();
      if (position < 0 || position > last) {
        throw new IllegalArgumentException("cannot snapshot at position " + position
            + ": the last appended is " + last);
      }
      if (position < snapshots.newest()) {
        throw new IllegalArgumentException("cannot snapshot at position " + position
            + ": a newer snapshot, at " + snapshots.newest() + ", exists");
      }
      try {
        snapshots.write(position, epoch, state, w);
      } catch (IOException | RuntimeException e) {
        if (e instanceof IllegalArgumentException iae) {
          throw iae; // a bad record in the state: the caller's mistake, the disk is fine
        }
        JournalException failed = new JournalException("journal in " + storage.describe()
            + " failed writing the snapshot at position " + position + " and accepts no more writes: " + e, e);
        w.fail(failed);
        throw w.failure();
      }
    }
  }

  @Override
  public long position() {
    return writer().appended();
  }

  @Override
  public long epoch() {
    writer();
    return epoch;
  }

  @Override
  public Optional<JournalException> failure() {
    LogWriter w = log;
    return w == null ? Optional.empty() : Optional.ofNullable(w.failure());
  }

  @Override
  public void close() {
    synchronized (snapshotLock) {
      if (closed) {
        return;
      }
      closed = true;
      LogWriter w = log;
      try {
        if (w != null) {
          w.close();
        }
      } catch (IOException e) {
        // The data was synced before; a failing close of a file loses nothing.
      } finally {
        releaseLock();
      }
    }
  }

  private synchronized void releaseLock() {
    if (dirLock != null) {
      try {
        dirLock.close();
      } catch (IOException e) {
        // The process keeps nothing locked once it exits; nothing better to do here.
      }
      dirLock = null;
    }
  }

  private LogWriter writer() {
    LogWriter w = log;
    if (w == null) {
      throw new IllegalStateException("journal in " + storage.describe() + " is not open; call open() first");
    }
    return w;
  }

  @Override
  public String toString() {
    return storage.describe();
  }
}
