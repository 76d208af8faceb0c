package dev.fleet.core;

import dev.fleet.core.internal.journal.Backups;
import dev.fleet.core.internal.journal.DirectoryJournal;
import dev.fleet.core.internal.journal.FileStorage;
import dev.fleet.core.internal.journal.Storage;
import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The embedded, pure-Java {@link Journal}: a directory of checksummed, segmented log files plus snapshots,
 * with group commit, an epoch, an exclusive lock against a second writer, and fail-stop on an I/O error.
 * The format and the recovery rules are in {@code docs/journal.md}.
 *
 * <p>Threading: as {@link Journal} says. {@link #append} only copies into memory under a short lock;
 * {@link #sync} from any number of threads shares one write and one fdatasync per batch, led by one of the
 * waiting callers (no thread of its own); {@link #snapshot} calls are serialized and block on I/O. A second
 * {@code FileJournal} on the same directory, in this JVM or another process, is refused at {@link #open}.
 */
public final class FileJournal implements Journal {
  private final DirectoryJournal journal;

  private FileJournal(DirectoryJournal journal) {
    this.journal = journal;
  }

  /**
   * Starts configuring a journal in {@code dir}, which is created at {@link #open} if missing.
   *
   * @param dir the journal's directory, used by this journal alone; not null
   * @return a builder with every setting at its default
   * @throws NullPointerException if {@code dir} is null
   */
  public static Builder newBuilder(Path dir) {
    return new Builder(Objects.requireNonNull(dir, "dir"));
  }

  @Override
  public long open(Consumer<byte[]> replay) {
    return journal.open(replay);
  }

  @Override
  public long append(byte[] record) {
    return journal.append(record);
  }

  @Override
  public void sync(long position) {
    journal.sync(position);
  }

  @Override
  public void snapshot(long position, Iterable<byte[]> state) {
    journal.snapshot(position, state);
  }

  @Override
  public long position() {
    return journal.position();
  }

  @Override
  public long epoch() {
    return journal.epoch();
  }

  @Override
  public Optional<JournalException> failure() {
    return journal.failure();
  }

  @Override
  public void close() {
    journal.close();
  }

  @Override
  public String toString() {
    return "FileJournal[" + journal + "]";
  }

  /**
   * Writes {@code records} as a backup: the same format as a snapshot file, which {@link #readBackup} checks
   * and {@link #restore} turns into a journal directory. {@code records} is iterated twice (to count, then to
   * write). Does not close the stream.
   *
   * @param out where the backup is written; left open
   * @param records the records, in the order a replay should hand them out
   * @throws IOException if writing to {@code out} fails
   */
  public static void writeBackup(OutputStream out, Iterable<byte[]> records) throws IOException {
    Backups.write(out, records);
  }

  /**
   * Reads a backup written by {@link #writeBackup}, handing each record to {@code records}, and checks it
   * whole (every checksum and the trailer), so a cut-off or damaged backup throws after the records before
   * the damage were handed out.
   *
   * @param in the backup; read to its end and left open
   * @param records handed each record in order, before the whole backup is known to be intact
   * @return the number of records
   * @throws JournalException if the stream is not a whole, intact backup; the message says where
   * @throws IOException if reading {@code in} fails
   */
  public static long readBackup(InputStream in, Consumer<byte[]> records) throws IOException {
    return Backups.read(in, "backup", records);
  }

  /**
   * Makes {@code dir}, which must be missing or empty, a journal whose {@link #open} replays exactly the
   * records of {@code backupFile}. The backup is checked whole before anything is written.
   *
   * @param backupFile a file written by {@link #writeBackup}
   * @param dir the journal directory to create; missing or empty
   * @throws JournalException if {@code dir} is not empty or the backup is damaged
   * @throws IOException if reading the backup or writing {@code dir} fails
   */
  public static void restore(Path backupFile, Path dir) throws IOException {
    Backups.restore(backupFile, dir);
  }

  /**
   * Configures a {@link FileJournal}; each setting may be given once. Not thread-safe.
   */
  public static final class Builder {
    private final Path dir;
    private long segmentBytes = -1;
    private Boolean fsync;
    private Storage storage;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /**
     * A segment is closed and a new one started once it holds at least this many bytes (default 64 MiB).
     * Smaller segments let snapshots free space sooner.
     *
     * @param bytes the size at which a segment is closed; at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is below 1
     * @throws IllegalStateException if it was already set
     */
    public Builder segmentBytes(long bytes) {
      if (segmentBytes >= 0) {
        throw new IllegalStateException("segmentBytes was already set to " + segmentBytes + ", cannot set " + bytes);
      }
      if (bytes < 1) {
        throw new IllegalArgumentException("segmentBytes must be at least 1, was " + bytes);
      }
      segmentBytes = bytes;
      return this;
    }

    /**
     * Whether {@link FileJournal#sync} forces records to stable storage (default true). Without it a record
     * survives a crash of the process once synced, but not a power loss: for tests and throwaway fleets.
     *
     * @param on whether to force records to stable storage on sync
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder fsync(boolean on) {
      if (fsync != null) {
        throw new IllegalStateException("fsync was already set to " + fsync + ", cannot set " + on);
      }
      fsync = on;
      return this;
    }

    /** Tests put a simulated disk under the journal. */
    Builder storage(Storage s) {
      if (storage != null) {
        throw new IllegalStateException("storage was already set to " + storage.describe());
      }
      storage = Objects.requireNonNull(s, "storage");
      return this;
    }

    /**
     * Builds the journal, not yet open: nothing on disk is touched before {@link FileJournal#open}.
     *
     * @return the journal; hand it to {@link FleetBuilder#journal}
     */
    public FileJournal build() {
      return new FileJournal(new DirectoryJournal(storage != null ? storage : new FileStorage(dir),
          segmentBytes >= 0 ? segmentBytes : 64L << 20, fsync == null || fsync));
    }
  }
}
