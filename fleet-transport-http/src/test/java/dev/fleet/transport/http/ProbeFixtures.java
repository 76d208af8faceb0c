package dev.fleet.transport.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Recorded command outputs and {@code /proc} files under {@code src/test/resources/probes}, and fake commands
 * (small shell scripts) that print them, so probes run real processes against known answers.
 */
final class ProbeFixtures {
  private ProbeFixtures() {}

  /** A fixture's text, e.g. {@code "macos/pmset-batt-discharging.txt"}. */
  static String text(String name) {
    try (InputStream in = ProbeFixtures.class.getResourceAsStream("/probes/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture probes/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code content} to {@code root/relative}, making its directories. */
  static Path write(Path root, String relative, String content) {
    try {
      Path p = root.resolve(relative);
      Files.createDirectories(p.getParent());
      Files.writeString(p, content);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An executable {@code /bin/sh} script {@code dir/name} with {@code body}. */
  static Path script(Path dir, String name, String body) {
    Path p = write(dir, name, "#!/bin/sh\n" + body + "\n");
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** A command {@code dir/name} that prints a fixture and exits 0. */
  static Path printing(Path dir, String name, String fixture) {
    write(dir, name + ".out", text(fixture));
    return script(dir, name, "cat \"$(dirname \"$0\")/" + name + ".out\"");
  }
}
