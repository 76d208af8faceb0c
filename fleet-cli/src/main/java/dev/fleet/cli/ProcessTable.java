package dev.fleet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Which process group each process on this machine is in, read from {@code /proc} where there is one (Linux) and
 * from {@code ps -A -o pid= -o pgid= -o stat=} elsewhere (macOS, the BSDs). Java's {@link ProcessHandle} knows parents and
 * children but not process groups, and a shell task's processes may have left its tree (a daemonized child is
 * reparented) while staying in its group. Zombies (ended, not yet reaped by their parent) are left out: they run
 * nothing.
 *
 * <p>Stateless and thread-safe.
 */
final class ProcessTable {
  private ProcessTable() {}

  /** Every live process's group: pid to pgid. Processes that end while it reads are left out. */
  static Map<Long, Long> groups() {
    Path proc = Path.of("/proc");
    if (Files.isRegularFile(proc.resolve("self/stat"))) {
      return fromProc(proc);
    }
    return fromPs();
  }

  /** The pids in process group {@code pgid}. */
  static java.util.List<Long> members(long pgid) {
    return groups().entrySet().stream().filter(e -> e.getValue() == pgid).map(Map.Entry::getKey).toList();
  }

  /** This JVM's own process group, or -1 if it cannot be read. */
  static long ownGroup() {
    Long g = groups().get(ProcessHandle.current().pid());
    return g == null ? -1 : g;
  }

  private static Map<Long, Long> fromProc(Path proc) {
    Map<Long, Long> out = new LinkedHashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path d : dirs) {
        try {
          // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so count from the last ')'.
          String stat = Files.readString(d.resolve("stat"), StandardCharsets.UTF_8);
          String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (!rest[0].equals("Z")) {
            out.put(Long.parseLong(d.getFileName().toString()), Long.parseLong(rest[2]));
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended while the table was read
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the process table in " + proc + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static Map<Long, Long> fromPs() {
    Map<Long, Long> out = new LinkedHashMap<>();
    try {
      Process ps = new ProcessBuilder("ps", "-A", "-o", "pid=", "-o", "pgid=", "-o", "stat=").redirectErrorStream(true).start();
      ps.getOutputStream().close();
      String text;
      try (InputStream in = ps.getInputStream()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!ps.waitFor(10, TimeUnit.SECONDS)) {
        ps.destroyForcibly();
      }
      for (String line : text.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 3 && f[0].chars().allMatch(Character::isDigit) && f[1].chars().allMatch(Character::isDigit)
            && !f[2].startsWith("Z")) {
          out.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list processes with ps: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }
}
