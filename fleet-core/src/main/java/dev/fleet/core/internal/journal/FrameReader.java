package dev.fleet.core.internal.journal;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Parses frames from a {@link ByteSource} through one large buffer, so replay costs one read per megabyte
 * and one allocation per record (the payload handed out). Not thread-safe.
 */
final class FrameReader {

  /** What {@link #next} found. */
  enum Status {
    /** A whole frame with a good checksum; see {@link #epoch}, {@link #position}, {@link #payload}. */
    FRAME,
    /** The end of the bytes, exactly at a frame boundary. */
    END,
    /** The bytes end inside a frame. */
    PARTIAL,
    /** A length no frame can have. */
    BAD_LENGTH,
    /** A whole frame whose checksum does not match. */
    BAD_CHECKSUM,
    /** A snapshot's trailer mark; {@link #trailerCount} reads the rest. */
    TRAILER
  }

  private static final int CHUNK = 1 << 20;

  private final ByteSource source;
  private final CRC32C crc = new CRC32C();
  private byte[] buf;
  private int start;
  private int end;
  private long bufOffset;
  private boolean eof;

  private long frameOffset;
  private long epoch;
  private long position;
  private int payloadAt;
  private int length;

  FrameReader(ByteSource source, long startOffset) throws IOException {
    this.source = source;
    long remaining = source.remaining();
    // Small files get a small buffer: recovery opens every segment, and tests open thousands of journals.
    this.buf = new byte[remaining < 0 ? CHUNK : (int) Math.max(64, Math.min(CHUNK, remaining + 1))];
    this.bufOffset = startOffset;
  }

  Status next() throws IOException {
    frameOffset = bufOffset + start;
    if (!fill(4)) {
      return end == start ? Status.END : Status.PARTIAL;
    }
    int len = Frames.getInt(buf, start);
    if (len == Frames.TRAILER_MARK) {
      return Status.TRAILER;
    }
    if (len < 0 || len > Frames.MAX_RECORD) {
      return Status.BAD_LENGTH;
    }
    if (!fill(Frames.HEADER + len)) {
      return Status.PARTIAL;
    }
    if (Frames.checksum(crc, buf, start, len) != Frames.getInt(buf, start + 4)) {
      return Status.BAD_CHECKSUM;
    }
    epoch = Frames.getLong(buf, start + 8);
    position = Frames.getLong(buf, start + 16);
    payloadAt = start + Frames.HEADER;
    length = len;
    start += Frames.HEADER + len;
    return Status.FRAME;
  }

  /**
   * After {@link Status#TRAILER}: the record count the trailer states, or -1 if the trailer is cut off or
   * damaged. Reads to the end of the source; trailing bytes after the trailer also count as damage.
   */
  long trailerCount() throws IOException {
    if (!fill(16)) {
      return -1;
    }
    int stored = Frames.getInt(buf, start + 4);
    crc.reset();
    crc.update(buf, start + 8, 8);
    long count = Frames.getLong(buf, start + 8);
    start += 16;
    if ((int) crc.getValue() != stored || fill(1)) {
      return -1;
    }
    return count;
  }

  /** The file offset where the frame {@link #next} looked at begins. */
  long frameOffset() {
    return frameOffset;
  }

  long epoch() {
    return epoch;
  }

  long position() {
    return position;
  }

  /** A copy of the last frame's payload. */
  byte[] payload() {
    return Arrays.copyOfRange(buf, payloadAt, payloadAt + length);
  }

  /** Reads until at least {@code n} bytes are buffered after {@code start}; false if the source ends first. */
  private boolean fill(int n) throws IOException {
    if (end - start >= n) {
      return true;
    }
    if (buf.length - start < n) {
      if (buf.length < n) {
        buf = Arrays.copyOfRange(buf, start, start + Math.max(n, buf.length * 2));
      } else {
        System.arraycopy(buf, start, buf, 0, end - start);
      }
      bufOffset += start;
      end -= start;
      start = 0;
    }
    while (end - start < n && !eof) {
      int r = source.read(buf, end, buf.length - end);
      if (r < 0) {
        eof = true;
      } else {
        end += r;
      }
    }
    return end - start >= n;
  }
}
