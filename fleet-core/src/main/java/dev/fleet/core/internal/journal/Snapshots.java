package dev.fleet.core.internal.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes snapshots and compacts: the new snapshot goes to a temporary file that is forced, renamed into
 * place and made durable with a directory force; only then are the segments it covers and the older
 * snapshots deleted. A crash at any point leaves either the old or the new snapshot in force, never neither.
 *
 * <p>Not thread-safe; the journal serializes snapshots.
 */
final class Snapshots {
  private final Storage storage;
  private final List<Long> positions;

  Snapshots(Storage storage, List<Long> positions) {
    this.storage = storage;
    this.positions = new ArrayList<>(positions);
  }

  /** The newest snapshot's position, 0 if there is none. */
  long newest() {
    return positions.isEmpty() ? 0 : positions.get(positions.size() - 1);
  }

  void write(long position, long epoch, Iterable<byte[]> state, LogWriter log) throws IOException {
    String name = Frames.snapshotName(position);
    String temp = name + Frames.TEMP_SUFFIX;
    storage.delete(temp);
    try (StorageFile file = storage.create(temp)) {
      long[] at = {0};
      SnapshotFormat.write((b, len) -> {
        file.write(ByteBuffer.wrap(b, 0, len), at[0]);
        at[0] += len;
      }, position, epoch, state);
      file.force();
    }
    storage.rename(temp, name);
    storage.syncDirectory();
    // The snapshot is durable: what it replaces may go. Losing these deletions in a crash is harmless.
    for (String segment : log.coveredSegments(position)) {
      storage.delete(segment);
    }
    for (long older : positions) {
      if (older != position) {
        storage.delete(Frames.snapshotName(older));
      }
    }
    positions.clear();
    positions.add(position);
  }
}
