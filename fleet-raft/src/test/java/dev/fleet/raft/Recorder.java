package dev.fleet.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@link CommitListener} that keeps the committed stream of one node as strings, for comparing nodes. */
final class Recorder implements CommitListener {
  private final List<String> records = new ArrayList<>();
  private long position;

  @Override
  public synchronized void restored(long at, List<byte[]> state) {
    records.clear();
    state.forEach(r -> records.add(new String(r, StandardCharsets.UTF_8)));
    position = at;
  }

  @Override
  public synchronized void committed(long at, byte[] record) {
    if (at != position + 1) {
      throw new AssertionError("record at position " + at + " after position " + position);
    }
    records.add(new String(record, StandardCharsets.UTF_8));
    position = at;
  }

  synchronized List<String> records() {
    return List.copyOf(records);
  }

  synchronized long position() {
    return position;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
