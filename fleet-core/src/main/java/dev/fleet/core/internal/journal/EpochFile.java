package dev.fleet.core.internal.journal;

import dev.fleet.spi.JournalException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The {@code epoch} file: the highest epoch any writer claimed, 8 bytes and a 4-byte checksum. Replaced
 * whole (temporary file, force, rename, directory force) so it is always either the old or the new value.
 */
final class EpochFile {
  private EpochFile() {}

  static final String NAME = "epoch";
  private static final String TEMP = NAME + Frames.TEMP_SUFFIX;

  /** Durably claims and returns the epoch above the stored one (1 for a new directory). */
  static long advance(Storage storage) throws IOException {
    long next = read(storage) + 1;
    storage.delete(TEMP);
    byte[] b = new byte[12];
    Frames.putLong(b, 0, next);
    CRC32C crc = new CRC32C();
    crc.update(b, 0, 8);
    Frames.putInt(b, 8, (int) crc.getValue());
    try (StorageFile f = storage.create(TEMP)) {
      f.write(ByteBuffer.wrap(b), 0);
      f.force();
    }
    storage.rename(TEMP, NAME);
    storage.syncDirectory();
    return next;
  }

  private static long read(Storage storage) throws IOException {
    if (!storage.list().contains(NAME)) {
      return 0;
    }
    byte[] b = new byte[12];
    try (StorageFile f = storage.open(NAME)) {
      ByteBuffer bb = ByteBuffer.wrap(b);
      long size = f.size();
      while (bb.hasRemaining() && f.read(bb, bb.position()) > 0) {
        // reads until full or the end
      }
      CRC32C crc = new CRC32C();
      crc.update(b, 0, 8);
      if (size != 12 || (int) crc.getValue() != Frames.getInt(b, 8)) {
        throw new JournalException(storage.describe(NAME) + " is damaged at byte offset 0: it holds "
            + size + " bytes that are no checksummed epoch; it is written atomically, so this is not a crash's"
            + " doing");
      }
    }
    return Frames.getLong(b, 0);
  }
}
