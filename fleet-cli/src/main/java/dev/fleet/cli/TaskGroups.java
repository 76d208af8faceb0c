package dev.fleet.cli;

import dev.fleet.spi.Ticker;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The process groups of the shell tasks an agent runs, kept in a file in its state directory
 * ({@code agent-<id>.task-groups}, one "pgid start-millis" line each) while they run, so that the next run of the
 * agent can stop any group its last run left behind. Each task's own watchdog stops its group within seconds of
 * the agent's death (see {@link ShellHandler}); this is for when the watchdog died with it.
 *
 * <p>Thread-safe: the record is changed under the instance's lock, and the file is replaced whole each time.
 */
final class TaskGroups {
  private static final System.Logger LOG = System.getLogger(TaskGroups.class.getName());
  /** Records nothing: for a handler used without a state directory. */
  static final TaskGroups NONE = new TaskGroups(null);

  private final Path file;
  private final Map<Long, Long> live = new LinkedHashMap<>();
  private boolean writeFailedSaid;

  TaskGroups(Path file) {
    this.file = file;
  }

  /** A task's process group started; its leader is {@code leader} (the group's id is the leader's pid). */
  synchronized void started(ProcessHandle leader) {
    if (file == null) {
      return;
    }
    live.put(leader.pid(), leader.info().startInstant().map(Instant::toEpochMilli).orElse(-1L));
    write();
  }

  /** A task's process group is gone (or stopped). */
  synchronized void ended(long pgid) {
    if (file == null || live.remove(pgid) == null) {
      return;
    }
    write();
  }

  private void write() {
    StringBuilder sb = new StringBuilder();
    live.forEach((g, at) -> sb.append(g).append(' ').append(at).append('\n'));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, sb, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!writeFailedSaid) {
        writeFailedSaid = true;
        LOG.log(Level.WARNING, "cannot record shell task process groups in " + file + " (" + e.getMessage()
            + "); a later run of the agent cannot stop what this one leaves behind");
      }
    }
  }

  /**
   * Stops every process group recorded in {@code file} by an earlier run that still has processes (TERM, then
   * KILL after {@code grace}), and empties the file. A group whose leader is alive but started at another time
   * than recorded is someone else's (the pid was reused) and is left alone, as is this JVM's own group.
   *
   * @return the groups stopped, as "pgid (n processes)" for the log
   */
  static List<String> reap(Path file, Duration grace) {
    List<String> stopped = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return stopped;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot read " + file + ": " + e.getMessage());
      return stopped;
    }
    long own = ProcessTable.ownGroup();
    for (String line : lines) {
      String[] f = line.trim().split(" ");
      if (f.length != 2) {
        continue;
      }
      long pgid;
      long startedAt;
      try {
        pgid = Long.parseLong(f[0]);
        startedAt = Long.parseLong(f[1]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (pgid <= 1 || pgid == own || !sameLeader(pgid, startedAt)) {
        continue;
      }
      int n = stopGroup(pgid, grace);
      if (n > 0) {
        stopped.add(pgid + " (" + n + (n == 1 ? " process)" : " processes)"));
      }
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot delete " + file + ": " + e.getMessage());
    }
    return stopped;
  }

  /** Whether the group's leader, if it still runs, is the process recorded (not a new one with its pid). */
  private static boolean sameLeader(long pgid, long startedAt) {
    Optional<ProcessHandle> leader = ProcessHandle.of(pgid);
    if (leader.isEmpty() || startedAt < 0) {
      return true; // no leader: a pid in use as a group id is never given to a new process, so the group is ours
    }
    Optional<Instant> start = leader.get().info().startInstant();
    return start.isEmpty() || Math.abs(start.get().toEpochMilli() - startedAt) < 2_000;
  }

  /**
   * Sends TERM to every process in group {@code pgid}, waits up to {@code grace} for them to end, then KILLs what
   * is left. Returns how many processes the group had.
   */
  static int stopGroup(long pgid, Duration grace) {
    List<Long> members = ProcessTable.members(pgid);
    if (members.isEmpty()) {
      return 0;
    }
    for (long pid : members) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
    Ticker ticker = Ticker.system();
    long deadline = ticker.read() + grace.toNanos();
    List<Long> left = ProcessTable.members(pgid);
    while (!left.isEmpty() && ticker.read() < deadline) {
      LockSupport.parkNanos(50_000_000L);
      left = ProcessTable.members(pgid);
    }
    for (long pid : left) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    return members.size();
  }
}
