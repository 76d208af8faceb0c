package dev.fleet.transport.http;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a short system command for a probe ({@code pmset}, {@code ioreg}, {@code loginctl}, ...) and returns what
 * it printed, or fails with a message that names the command: it could not start, it ran past its time limit
 * (it is then killed), or it exited non-zero. The command runs with {@code LC_ALL=C} so numbers and words come
 * out the same in every locale; standard error is merged into the output, since some tools print part of
 * their answer there.
 *
 * <p>Thread-safe: each call runs its own process.
 */
final class ProbeCommand {
  /** Output beyond this is not read; a probe's answer is a few lines. */
  private static final int MAX_OUTPUT = 1 << 20;

  private ProbeCommand() {}

  /**
   * Runs {@code command} and returns its output.
   *
   * @throws IOException naming the command, when it cannot start, times out or exits non-zero
   */
  static String run(List<String> command, Duration timeout) throws IOException {
    Objects.requireNonNull(command, "command");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    String name = String.join(" ", command);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    AtomicBoolean stopped = new AtomicBoolean();
    // Reading blocks until the process closes its output; killing it at the deadline ends the read too.
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (p.isAlive()) {
        stopped.set(true);
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    });
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readNBytes(MAX_OUTPUT);
    }
    boolean exited;
    try {
      exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(name + " was interrupted", e);
    }
    if (!exited) {
      stopped.set(true);
      p.destroyForcibly();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (stopped.get()) {
      throw new IOException(name + " did not finish within " + timeout.toMillis() + " ms and was stopped");
    }
    if (p.exitValue() != 0) {
      throw new IOException(name + " exited with status " + p.exitValue() + firstLine(text));
    }
    return text;
  }

  private static String firstLine(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return "";
    }
    int nl = t.indexOf('\n');
    return ": " + (nl < 0 ? t : t.substring(0, nl).strip());
  }

  /** Where {@code name} is on {@code path} (directories, in order) as an executable file, if anywhere. */
  static Optional<Path> find(String name, List<Path> path) {
    for (Path dir : path) {
      Path f = dir.resolve(name);
      if (Files.isRegularFile(f) && Files.isExecutable(f)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The directories of this process's {@code PATH}. */
  static List<Path> systemPath() {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path == null) {
      return dirs;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty()) {
        try {
          dirs.add(Path.of(d));
        } catch (java.nio.file.InvalidPathException ignored) {
          // a PATH entry that is not a path names no command
        }
      }
    }
    return dirs;
  }
}
