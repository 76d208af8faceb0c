package dev.fleet.raft.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The format of the journal's Raft log entries. One entry is one group commit: a batch of fleet records with the
 * position of its first record, so every node numbers records the same way. A barrier carries no record: a new
 * leader commits one before it answers, so every entry of earlier terms is committed and applied by then. A
 * snapshot entry replaces the records up to a position by the records that recreate their state.
 *
 * <p>Stateless; thread-safe.
 */
final class Entries {
  static final byte RECORDS = 1;
  static final byte BARRIER = 2;
  static final byte SNAPSHOT = 3;

  private Entries() {}

  static byte[] records(long firstPosition, List<byte[]> records) {
    return write(RECORDS, firstPosition, records);
  }

  static byte[] barrier(long term) {
    return write(BARRIER, term, List.of());
  }

  static byte[] snapshot(long position, Iterable<byte[]> state) {
    return write(SNAPSHOT, position, state);
  }

  private static byte[] write(byte kind, long number, Iterable<byte[]> records) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(kind);
      out.writeLong(number);
      writeRecords(out, records);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  static void writeRecords(DataOutput out, Iterable<byte[]> records) throws IOException {
    List<byte[]> list = new ArrayList<>();
    records.forEach(list::add);
    out.writeInt(list.size());
    for (byte[] r : list) {
      out.writeInt(r.length);
      out.write(r);
    }
  }

  static List<byte[]> readRecords(DataInput in) throws IOException {
    int count = in.readInt();
    if (count < 0) {
      throw new IOException("negative record count " + count + " in a Raft log entry");
    }
    List<byte[]> records = new ArrayList<>(Math.min(count, 1 << 16));
    for (int i = 0; i < count; i++) {
      int length = in.readInt();
      if (length < 0) {
        throw new IOException("negative record length " + length + " in a Raft log entry");
      }
      byte[] r = new byte[length];
      in.readFully(r);
      records.add(r);
    }
    return records;
  }
}
