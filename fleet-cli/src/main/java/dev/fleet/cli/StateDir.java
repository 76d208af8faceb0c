package dev.fleet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The directory where the coordinator keeps its secrets and address for the other commands on the same
 * machine ({@code ~/.fleet} unless told otherwise): {@code join-token}, {@code client-token},
 * {@code coordinator.url}, the coordinator's {@code journal/} directory, and an agent's
 * {@code agent-<id>.credential} and {@code agent-<id>.join-key}. Secret files are readable only by their owner
 * where the file system allows it.
 *
 * <p>Not thread-safe; commands use it from one thread.
 */
final class StateDir {
  static final String JOIN_TOKEN = "join-token";
  static final String CLIENT_TOKEN = "client-token";
  static final String URL = "coordinator.url";
  static final String JOURNAL = "journal";

  /** The file an agent keeps its machine credential in. */
  static String agentCredential(String machineId) {
    return "agent-" + machineId + ".credential";
  }

  /** The file an agent keeps the key it joins with, so a join whose answer was lost can be retried. */
  static String agentJoinKey(String machineId) {
    return "agent-" + machineId + ".join-key";
  }

  /** The file an agent keeps its coordinator's URL in, for {@code fleet sleep}. */
  static String agentCoordinator(String machineId) {
    return "agent-" + machineId + ".coordinator";
  }

  /** The file an agent records its shell tasks' process groups in, so its next run can stop what this one left. */
  static String agentTaskGroups(String machineId) {
    return "agent-" + machineId + ".task-groups";
  }

  /** The file {@code fleet sleep} touches so the agent holds its heartbeats until the machine suspends. */
  static String agentAsleep(String machineId) {
    return "agent-" + machineId + ".asleep";
  }

  private final Path dir;

  StateDir(Path dir) {
    this.dir = dir;
  }

  /** {@code ~/.fleet}. */
  static Path defaultPath() {
    return Path.of(System.getProperty("user.home"), ".fleet");
  }

  Path path() {
    return dir;
  }

  Optional<String> read(String name) {
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      String s = Files.readString(f, StandardCharsets.UTF_8).trim();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /** Deletes a file if it is there. */
  void delete(String name) {
    try {
      Files.deleteIfExists(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir.resolve(name) + ": " + e.getMessage(), e);
    }
  }

  /** Writes a file only its owner may read, replacing any earlier one. */
  void writeSecret(String name, String content) {
    write(name, content, true);
  }

  void write(String name, String content) {
    write(name, content, false);
  }

  private void write(String name, String content, boolean secret) {
    try {
      Files.createDirectories(dir);
      Path f = dir.resolve(name);
      Path tmp = Files.createTempFile(dir, name, ".tmp");
      if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      }
      Files.writeString(tmp, content + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
    }
  }
}
