package dev.fleet.core.internal.journal;

import dev.fleet.spi.JournalException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reads a journal directory back when it opens: the newest snapshot, then every frame after it, cutting a
 * torn tail off the last segment and refusing damage anywhere else. Runs once, on the opening thread.
 */
final class Recovery {
  private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

  /** A segment file and the position of its first record. */
  record Segment(String name, long first) {}

  /**
   * What was found.
   *
   * @param segments every segment, oldest first
   * @param snapshots every snapshot's position, oldest first
   * @param position the last record's position
   * @param tailSize where the last segment's records end if appending may continue in it, else -1
   */
  record Result(List<Segment> segments, List<Long> snapshots, long position, long tailSize) {}

  private final Storage storage;
  private final long epoch;
  private final Consumer<byte[]> replay;

  private Recovery(Storage storage, long epoch, Consumer<byte[]> replay) {
    this.storage = storage;
    this.epoch = epoch;
    this.replay = replay;
  }

  static Result run(Storage storage, long epoch, Consumer<byte[]> replay) throws IOException {
    return new Recovery(storage, epoch, replay).run();
  }

  private Result run() throws IOException {
    List<String> names = storage.list();
    List<Segment> segments = new ArrayList<>();
    List<Long> snapshots = new ArrayList<>();
    for (String name : names) {
      if (name.endsWith(Frames.TEMP_SUFFIX)) {
        storage.delete(name); // an unfinished snapshot or epoch from before a crash
        continue;
      }
      long first = Frames.positionIn(name, Frames.SEGMENT_PREFIX, Frames.SEGMENT_SUFFIX);
      if (first >= 0) {
        segments.add(new Segment(name, first));
      }
      long snap = Frames.positionIn(name, Frames.SNAPSHOT_PREFIX, Frames.SNAPSHOT_SUFFIX);
      if (snap >= 0) {
        snapshots.add(snap);
      }
    }
    segments.sort((a, b) -> Long.compare(a.first(), b.first()));
    snapshots.sort(null);

    long snapshotPosition = 0;
    if (!snapshots.isEmpty()) {
      snapshotPosition = snapshots.get(snapshots.size() - 1);
      readSnapshot(Frames.snapshotName(snapshotPosition), snapshotPosition);
    }
    long position = snapshotPosition;
    long previousEnd = -1;
    long tailSize = -1;
    for (int i = 0; i < segments.size(); i++) {
      Segment segment = segments.get(i);
      boolean last = i == segments.size() - 1;
      if (segment.first() > position + 1) {
        throw new JournalException(storage.describe(segment.name()) + " starts at position " + segment.first()
            + " but the records before it end at " + position + ": records " + (position + 1) + ".."
            + (segment.first() - 1) + " are missing");
      }
      if (previousEnd >= 0 && segment.first() <= previousEnd) {
        throw new JournalException(storage.describe(segment.name()) + " starts at position " + segment.first()
            + " but the segment before it already reaches " + previousEnd);
      }
      long[] end = new long[1];
      long size = scan(segment, last, position, end);
      previousEnd = end[0];
      position = Math.max(position, previousEnd);
      if (last && previousEnd == position) {
        tailSize = size;
      }
    }
    return new Result(segments, snapshots, position, tailSize);
  }

  private void readSnapshot(String name, long position) throws IOException {
    try (StorageFile file = storage.open(name)) {
      SnapshotFormat.Header header = SnapshotFormat.read(ByteSource.of(file, 0), storage.describe(name), replay);
      if (header.position() != position) {
        throw new JournalException(storage.describe(name) + " is damaged at byte offset 16: its header says"
            + " position " + header.position() + ", its name " + position);
      }
    }
  }

  /**
   * Replays the segment's records above {@code after}; stores its last position in {@code end[0]}.
   *
   * @return the offset where the segment's records end (a torn tail after it is cleared)
   */
  private long scan(Segment segment, boolean last, long after, long[] end) throws IOException {
    String name = storage.describe(segment.name());
    try (StorageFile file = storage.open(segment.name())) {
      FrameReader reader = new FrameReader(ByteSource.of(file, 0), 0);
      long expected = segment.first();
      while (true) {
        FrameReader.Status status = reader.next();
        if (status == FrameReader.Status.END) {
          end[0] = expected - 1;
          return reader.frameOffset();
        }
        if (status == FrameReader.Status.FRAME) {
          if (reader.position() != expected) {
            throw damaged(name, reader.frameOffset(), "the frame holds position " + reader.position()
                + " where " + expected + " belongs");
          }
          if (reader.epoch() > epoch || reader.epoch() < 1) {
            throw damaged(name, reader.frameOffset(), "the frame holds epoch " + reader.epoch()
                + ", outside 1.." + epoch);
          }
          if (expected > after) {
            replay.accept(reader.payload());
          }
          expected++;
          continue;
        }
        long offset = reader.frameOffset();
        String why = switch (status) {
          case PARTIAL -> "the file ends inside the frame for position " + expected;
          case BAD_LENGTH, TRAILER -> "the frame for position " + expected + " has an impossible length";
          default -> "the frame for position " + expected + " fails its checksum";
        };
        end[0] = expected - 1;
        long size = file.size();
        long lastNonZero = lastNonZero(file, offset, size);
        if (lastNonZero < 0) {
          return offset; // the zeros a segment is preallocated with: a clean end
        }
        if (!last || frameFollows(file, offset, expected)) {
          throw damaged(name, offset, why + (last ? ", and intact records follow it" : ""));
        }
        // A write the crash cut short: nothing in it was acknowledged, so it goes. Zeroed rather than cut
        // off, so the segment keeps its preallocated blocks and stale bytes are never read as records later.
        LOG.log(Level.WARNING, "{0}: clearing a torn tail of {1} bytes at byte offset {2} ({3})", name,
            lastNonZero + 1 - offset, offset, why);
        byte[] zeros = new byte[(int) Math.min(lastNonZero + 1 - offset, 1 << 20)];
        for (long at = offset; at <= lastNonZero; at += zeros.length) {
          file.write(ByteBuffer.wrap(zeros, 0, (int) Math.min(zeros.length, lastNonZero + 1 - at)), at);
        }
        file.force();
        return offset;
      }
    }
  }

  /** The offset of the last byte in {@code [from, size)} that is not zero, or -1 if they all are. */
  private static long lastNonZero(StorageFile file, long from, long size) throws IOException {
    byte[] chunk = new byte[(int) Math.min(Math.max(size - from, 1), 1 << 20)];
    long found = -1;
    for (long at = from; at < size; ) {
      ByteBuffer bb = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, size - at));
      int n = file.read(bb, at);
      if (n <= 0) {
        break;
      }
      for (int i = n - 1; i >= 0; i--) {
        if (chunk[i] != 0) {
          found = at + i;
          break;
        }
      }
      at += n;
    }
    return found;
  }

  /** Whether an intact frame for a later position lies anywhere after {@code from}: then it is no torn tail. */
  private boolean frameFollows(StorageFile file, long from, long expected) throws IOException {
    long size = file.size();
    long length = Math.min(size - from, Integer.MAX_VALUE - 16);
    byte[] rest = new byte[(int) length];
    ByteBuffer bb = ByteBuffer.wrap(rest);
    while (bb.hasRemaining() && file.read(bb, from + bb.position()) > 0) {
      // reads the rest of the file
    }
    CRC32C crc = new CRC32C();
    for (int at = 1; at + Frames.HEADER <= rest.length; at++) {
      int len = Frames.getInt(rest, at);
      if (len < 0 || len > rest.length - at - Frames.HEADER) {
        continue;
      }
      long position = Frames.getLong(rest, at + 16);
      long frameEpoch = Frames.getLong(rest, at + 8);
      if (position <= expected || position > expected + rest.length / Frames.HEADER
          || frameEpoch < 1 || frameEpoch > epoch) {
        continue;
      }
      if (Frames.checksum(crc, rest, at, len) == Frames.getInt(rest, at + 4)) {
        return true;
      }
    }
    return false;
  }

  private static JournalException damaged(String name, long offset, String why) {
    return new JournalException(name + " is damaged at byte offset " + offset + ": " + why
        + "; only a torn write at the very end of the last segment is repaired automatically");
  }
}
