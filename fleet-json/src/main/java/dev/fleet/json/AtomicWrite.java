package dev.fleet.json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file's content so that readers see either the old file or the whole new one, never a
 * half-written registry, even if the process dies mid-write.
 */
final class AtomicWrite {
  private AtomicWrite() {}

  static void replace(Path file, byte[] content) throws IOException {
    Path target = file.toAbsolutePath();
    if (Files.isSymbolicLink(target)) {
      // Replace what the link points at, so the owner's link survives.
      target = target.toRealPath();
    }
    // Same directory, so the final move is a rename within one file system.
    Path temp = target.resolveSibling(
        "." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        // On disk before the rename, or a crash could leave the new name pointing at empty data.
        channel.force(true);
      }
      keepPermissions(target, temp);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(target.getParent());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The rename on disk too, where the platform can sync a directory (Linux, macOS; not Windows). */
  private static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // The new content is whole on disk either way; only which name it has after a crash is less certain.
    }
  }

  private static void keepPermissions(Path original, Path replacement) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(original, PosixFileAttributeView.class);
    if (view != null && Files.exists(original)) {
      Files.setPosixFilePermissions(replacement, view.readAttributes().permissions());
    }
  }
}
