package dev.fleet.core;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A second process for {@code FileJournalTest}: holds a journal directory's lock until its stdin closes. */
final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (FileChannel channel = FileChannel.open(Path.of(args[0]).resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
      System.out.println("locked " + lock.isValid());
      System.out.flush();
      while (System.in.read() >= 0) {
        // holds the lock until the test closes our stdin
      }
    }
  }
}
