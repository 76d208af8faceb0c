package dev.fleet.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet backup FILE}: asks the running coordinator for a consistent copy of its durable state
 * ({@code GET /v1/backup}) and writes it to FILE atomically: the file appears whole, on disk, or not at all.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "backup", description = "Write a consistent backup of a running coordinator's state to FILE.")
final class BackupCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "FILE", description = "Where to write the backup; replaced if it exists.")
  Path file;

  @Override
  Integer execute() {
    byte[] backup = client.client().backup();
    writeAtomically(file, backup);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Wrote a backup of " + backup.length + " bytes to " + file);
    out.println("Restore it on any machine with: fleet restore " + file + " --state-dir DIR");
    out.flush();
    return 0;
  }

  /** Writes to a temporary file beside {@code target}, forces it to disk, then renames it over the target. */
  static void writeAtomically(Path target, byte[] content) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
      try {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
            OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
          os.write(content);
          os.flush();
          ch.force(true);
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
