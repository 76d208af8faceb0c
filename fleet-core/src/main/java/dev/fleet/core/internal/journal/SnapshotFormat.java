package dev.fleet.core.internal.journal;

import dev.fleet.spi.JournalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The snapshot file, which is also the backup format: a 32-byte header ({@code "FLEETSNP"}, version, a
 * checksum of the rest of the header, the journal position it replaces, the epoch that wrote it), the
 * records as frames numbered from 1, and a 16-byte trailer (the mark -1, a checksum of the count, the
 * record count). A file without its trailer is incomplete and never used.
 */
public final class SnapshotFormat {
  private SnapshotFormat() {}

  static final int HEADER = 32;
  private static final byte[] MAGIC = "FLEETSNP".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int CHUNK = 256 << 10;

  /** Where written bytes go. */
  public interface Sink {
    void write(byte[] b, int len) throws IOException;
  }

  /** What a snapshot's header says. */
  public record Header(long position, long epoch) {}

  /** Writes a whole snapshot; returns the number of records. */
  public static long write(Sink sink, long position, long epoch, Iterable<byte[]> records) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[8 << 10]; // grows to CHUNK: most snapshots in tests are tiny
    System.arraycopy(MAGIC, 0, buf, 0, 8);
    Frames.putInt(buf, 8, VERSION);
    Frames.putLong(buf, 16, position);
    Frames.putLong(buf, 24, epoch);
    crc.update(buf, 16, 16);
    Frames.putInt(buf, 12, (int) crc.getValue());
    int len = HEADER;
    long count = 0;
    for (byte[] record : records) {
      if (record.length > Frames.MAX_RECORD) {
        throw new IllegalArgumentException("record " + (count + 1) + " has " + record.length
            + " bytes, more than the largest a journal keeps, " + Frames.MAX_RECORD);
      }
      int need = Frames.HEADER + record.length;
      if (len + need > buf.length) {
        sink.write(buf, len);
        len = 0;
        if (buf.length < CHUNK || need > buf.length) {
          buf = new byte[Math.max(need, Math.min(CHUNK, buf.length * 4))];
        }
      }
      count++;
      int at = len;
      len = Frames.putUnsealed(buf, at, epoch, count, record);
      Frames.putInt(buf, at + 4, Frames.checksum(crc, buf, at, record.length));
    }
    if (len + 16 > buf.length) {
      sink.write(buf, len);
      len = 0;
    }
    Frames.putInt(buf, len, Frames.TRAILER_MARK);
    Frames.putLong(buf, len + 8, count);
    crc.reset();
    crc.update(buf, len + 8, 8);
    Frames.putInt(buf, len + 4, (int) crc.getValue());
    sink.write(buf, len + 16);
    return count;
  }

  /**
   * Reads and checks a whole snapshot, handing each record to {@code records} as it goes.
   *
   * @param name how messages name the file or stream
   * @throws JournalException naming {@code name} and the byte offset where it is damaged
   */
  public static Header read(ByteSource source, String name, Consumer<byte[]> records) throws IOException {
    byte[] head = new byte[HEADER];
    int got = 0;
    while (got < HEADER) {
      int r = source.read(head, got, HEADER - got);
      if (r < 0) {
        throw damaged(name, got, "it ends inside the " + HEADER + "-byte header");
      }
      got += r;
    }
    if (!Arrays.equals(head, 0, 8, MAGIC, 0, 8)) {
      throw damaged(name, 0, "it does not start with FLEETSNP, so it is no Fleet snapshot or backup");
    }
    int version = Frames.getInt(head, 8);
    if (version != VERSION) {
      throw damaged(name, 8, "its format version is " + version + ", this Fleet reads version " + VERSION);
    }
    CRC32C crc = new CRC32C();
    crc.update(head, 16, 16);
    if ((int) crc.getValue() != Frames.getInt(head, 12)) {
      throw damaged(name, 12, "the header's checksum does not match");
    }
    Header header = new Header(Frames.getLong(head, 16), Frames.getLong(head, 24));
    FrameReader reader = new FrameReader(source, HEADER);
    long count = 0;
    while (true) {
      FrameReader.Status status = reader.next();
      switch (status) {
        case FRAME -> {
          if (reader.position() != count + 1) {
            throw damaged(name, reader.frameOffset(),
                "record " + (count + 1) + " is numbered " + reader.position());
          }
          count++;
          records.accept(reader.payload());
        }
        case TRAILER -> {
          long stated = reader.trailerCount();
          if (stated != count) {
            throw damaged(name, reader.frameOffset(), stated < 0
                ? "the trailer is damaged, cut off or followed by more bytes"
                : "the trailer counts " + stated + " records, the file holds " + count);
          }
          return header;
        }
        case END, PARTIAL -> throw damaged(name, reader.frameOffset(),
            "it ends after " + count + " records without its trailer (cut off)");
        case BAD_LENGTH, BAD_CHECKSUM -> throw damaged(name, reader.frameOffset(),
            "record " + (count + 1) + " fails its checksum");
      }
    }
  }

  static JournalException damaged(String name, long offset, String why) {
    return new JournalException(name + " is damaged at byte offset " + offset + ": " + why);
  }
}
