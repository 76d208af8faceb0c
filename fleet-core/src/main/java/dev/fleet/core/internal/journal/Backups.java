package dev.fleet.core.internal.journal;

import dev.fleet.spi.JournalException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Backups are snapshot files: written from any records, checked whole when read, and restored by placing
 * one as the only snapshot of an empty journal directory. Stateless; thread-safe.
 */
public final class Backups {
  private Backups() {}

  /** Writes {@code records} in the snapshot format, as a journal at position {@code records' count}. */
  public static void write(OutputStream out, Iterable<byte[]> records) throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(records, "records");
    long count = 0;
    for (byte[] ignored : records) {
      count++;
    }
    SnapshotFormat.write((b, len) -> out.write(b, 0, len), count, 0, records);
    out.flush();
  }

  /** Reads and checks a whole backup; returns its record count. */
  public static long read(InputStream in, String name, Consumer<byte[]> records) throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(records, "records");
    long[] count = {0};
    SnapshotFormat.read(ByteSource.of(in), name, r -> {
      count[0]++;
      records.accept(r);
    });
    return count[0];
  }

  /** Turns the empty or missing {@code dir} into a journal holding exactly the backup's records. */
  public static void restore(Path backupFile, Path dir) throws IOException {
    Objects.requireNonNull(backupFile, "backupFile");
    Objects.requireNonNull(dir, "dir");
    FileStorage storage = new FileStorage(dir);
    List<String> existing = storage.list();
    if (!existing.isEmpty() || (Files.exists(dir) && !Files.isDirectory(dir))) {
      throw new JournalException("cannot restore into " + dir.toAbsolutePath() + ": it is not empty (holds "
          + (existing.isEmpty() ? "a file of that name" : existing.size() + " entries, e.g. " + existing.get(0))
          + "); restore into a new directory");
    }
    SnapshotFormat.Header header;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(backupFile), 1 << 20)) {
      header = SnapshotFormat.read(ByteSource.of(in), backupFile.toAbsolutePath().toString(), r -> {});
    }
    String name = Frames.snapshotName(header.position());
    String temp = name + Frames.TEMP_SUFFIX;
    try (StorageFile file = storage.create(temp); InputStream in = Files.newInputStream(backupFile)) {
      byte[] buf = new byte[1 << 20];
      long at = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        file.write(ByteBuffer.wrap(buf, 0, n), at);
        at += n;
      }
      file.force();
    }
    storage.rename(temp, name);
    storage.syncDirectory();
  }
}
