package dev.fleet.core.internal.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The frame every record is stored in, in segments and snapshots alike: {@code length (int), crc32c (int),
 * epoch (long), position (long), payload}, big-endian, the checksum over epoch, position and payload.
 */
public final class Frames {
  private Frames() {}

  /** Bytes before the payload. */
  public static final int HEADER = 24;

  /** The largest record; a length above it can only be damage. */
  public static final int MAX_RECORD = 64 << 20;

  /** A length field holding this marks a snapshot's trailer instead of a frame. */
  static final int TRAILER_MARK = -1;

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  static int getInt(byte[] b, int at) {
    return (int) INT.get(b, at);
  }

  static long getLong(byte[] b, int at) {
    return (long) LONG.get(b, at);
  }

  static void putInt(byte[] b, int at, int v) {
    INT.set(b, at, v);
  }

  static void putLong(byte[] b, int at, long v) {
    LONG.set(b, at, v);
  }

  /** Writes a frame with its checksum left 0; {@link #seal} fills it in later, outside the caller's lock. */
  static int putUnsealed(byte[] b, int at, long epoch, long position, byte[] payload) {
    putInt(b, at, payload.length);
    putInt(b, at + 4, 0);
    putLong(b, at + 8, epoch);
    putLong(b, at + 16, position);
    System.arraycopy(payload, 0, b, at + HEADER, payload.length);
    return at + HEADER + payload.length;
  }

  /** Fills in the checksum of every frame in {@code b[0, length)}. */
  static void seal(byte[] b, int length, CRC32C crc) {
    for (int at = 0; at < length; ) {
      int len = getInt(b, at);
      putInt(b, at + 4, checksum(crc, b, at, len));
      at += HEADER + len;
    }
  }

  static int checksum(CRC32C crc, byte[] b, int frameAt, int payloadLength) {
    crc.reset();
    crc.update(b, frameAt + 8, 16 + payloadLength);
    return (int) crc.getValue();
  }

  /** The file name of the segment whose first record has {@code position}: it sorts by position. */
  static String segmentName(long firstPosition) {
    return String.format("log-%020d.seg", firstPosition);
  }

  static String snapshotName(long position) {
    return String.format("snapshot-%020d.snap", position);
  }

  /** The position a segment or snapshot name carries, or -1 if the name is neither. */
  static long positionIn(String name, String prefix, String suffix) {
    if (!name.startsWith(prefix) || !name.endsWith(suffix) || name.length() != prefix.length() + 20 + suffix.length()) {
      return -1;
    }
    String digits = name.substring(prefix.length(), prefix.length() + 20);
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static final String SEGMENT_PREFIX = "log-";
  static final String SEGMENT_SUFFIX = ".seg";
  static final String SNAPSHOT_PREFIX = "snapshot-";
  static final String SNAPSHOT_SUFFIX = ".snap";
  static final String TEMP_SUFFIX = ".tmp";
}
