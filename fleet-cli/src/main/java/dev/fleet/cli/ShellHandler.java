package dev.fleet.cli;

import dev.fleet.Payload;
import dev.fleet.TaskResult;
import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.TaskContext;
import dev.fleet.transport.http.TaskHandler;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The handler of {@code fleet agent --allow-shell}: runs each task's payload as a {@code /bin/sh -c} command,
 * with a time limit, and answers with its output (at most 1 MiB) and exit status. Anyone who may submit work
 * may then run commands on this machine, so it is off unless asked for. The command sees {@code FLEET_TASK},
 * {@code FLEET_ATTEMPT}, {@code FLEET_TOKEN} (unique per attempt, to make side effects idempotent) and
 * {@code FLEET_MACHINE}; its standard input is empty.
 *
 * <p><b>Its own session.</b> Each command runs in a session and process group of its own ({@code setsid}, or
 * perl's {@code POSIX::setsid} where there is no {@code setsid}, as on macOS), so a Ctrl-C in the agent's
 * terminal never reaches it: the agent decides what happens to its work. Where neither exists the command runs in
 * the agent's session with SIGINT ignored (the shell's rule for background commands); the agent says so once,
 * and only the command's own process, not what it started, is stopped for it.
 *
 * <p><b>Stopping.</b> When the attempt is withdrawn, times out, or is handed back by a leaving agent, its whole
 * process group gets SIGTERM at once and SIGKILL {@link #KILL_AFTER} later. <b>No task outlives its agent by
 * more than about 3 seconds, even after {@code kill -9} of the agent:</b> a small watchdog in the task's group
 * reads a pipe from the agent, which the kernel closes when the agent dies however it dies; the watchdog then
 * sends the group SIGTERM at once and SIGKILL 2 s later. And for the case where the watchdog died too, the agent
 * records each running group in its state directory ({@link TaskGroups}) and at its next start stops any group its
 * last run left. When a command ends by itself, what it left running in its group gets SIGTERM.
 *
 * <p>Thread-safe: each call runs its own process.
 */
final class ShellHandler implements TaskHandler {
  private static final System.Logger LOG = System.getLogger(ShellHandler.class.getName());
  private static final int MAX_OUTPUT = 1 << 20;
  /** How long a stopped task's process group has between SIGTERM and SIGKILL (the watchdog's {@code sleep 2}). */
  static final Duration KILL_AFTER = Duration.ofSeconds(2);

  /**
   * Runs {@code $1} with an empty standard input and, beside it, a watchdog that waits for the agent's pipe (fd 0,
   * kept as fd 3) to close and then stops the group ({@code $2} = own) or just the command ({@code $2} = shared).
   * The wrapper and the watchdog ignore SIGINT; the watchdog ignores SIGTERM, so it lives to send SIGKILL.
   */
  private static final String WRAPPER = String.join("\n",
      "exec 3<&0 0</dev/null",
      "/bin/sh -c \"$1\" 3<&- &",
      "task=$!",
      "(",
      "  trap '' INT TERM",
      "  read -r _ <&3",
      "  if [ \"$2\" = own ]; then kill -TERM 0; else kill -TERM \"$task\"; fi",
      "  sleep 2",
      "  if [ \"$2\" = own ]; then kill -KILL 0; else kill -KILL \"$task\"; fi",
      ") >/dev/null 2>&1 &",
      "watchdog=$!",
      "exec 3<&-",
      "trap '' INT",
      "wait \"$task\"",
      "status=$?",
      "kill -KILL \"$watchdog\" 2>/dev/null",
      "if [ \"$2\" = own ]; then trap '' TERM; kill -TERM 0 2>/dev/null; fi",
      "exit $status");

  private static volatile boolean sharedSaid;

  private final Duration timeout;
  private final TaskGroups groups;
  private final List<String> launcher;
  private final boolean ownSession;

  ShellHandler(Duration timeout) {
    this(timeout, TaskGroups.NONE);
  }

  ShellHandler(Duration timeout, TaskGroups groups) {
    this.timeout = timeout;
    this.groups = groups;
    this.launcher = sessionLauncher();
    this.ownSession = !launcher.isEmpty();
    if (!ownSession && !sharedSaid) {
      sharedSaid = true;
      LOG.log(Level.WARNING, "neither setsid nor perl is on the PATH: shell tasks run in the agent's session. A "
          + "Ctrl-C in its terminal does not stop them (SIGINT is ignored), but what a task starts in the "
          + "background is not stopped with it");
    }
  }

  /** Whether tasks get a session and process group of their own here. */
  boolean ownSession() {
    return ownSession;
  }

  /** The command prefix that starts a new session: {@code setsid}, else perl's, else none. */
  static List<String> sessionLauncher() {
    Path setsid = onPath("setsid");
    if (setsid != null) {
      return List.of(setsid.toString());
    }
    Path perl = onPath("perl");
    if (perl != null) {
      return List.of(perl.toString(), "-MPOSIX", "-e",
          "defined(POSIX::setsid()) or die \"setsid: $!\\n\"; exec @ARGV or die \"exec $ARGV[0]: $!\\n\"");
    }
    return List.of();
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
    for (String d : dirs) {
      if (!d.isEmpty()) {
        Path p = Path.of(d, name);
        if (Files.isExecutable(p) && !Files.isDirectory(p)) {
          return p;
        }
      }
    }
    return null;
  }

  @Override
  public TaskResult run(TaskContext ctx) throws Exception {
    String command = ctx.task().payload().asText();
    if (command.isBlank()) {
      return TaskResult.failure("the payload is empty; it should be a shell command");
    }
    List<String> argv = new ArrayList<>(launcher);
    argv.addAll(List.of("/bin/sh", "-c", WRAPPER, "fleet-task", command, ownSession ? "own" : "shared"));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().put("FLEET_TASK", ctx.task().id().value());
    pb.environment().put("FLEET_ATTEMPT", Integer.toString(ctx.attempt()));
    pb.environment().put("FLEET_TOKEN", Long.toUnsignedString(ctx.token()));
    pb.environment().put("FLEET_MACHINE", ctx.machine().value());
    Process p = pb.start();
    // A Java child is never a group leader, so setsid makes it one without forking: its pid names its group.
    long group = ownSession ? p.pid() : -1;
    if (ownSession) {
      groups.started(p.toHandle());
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> copy(p.getInputStream(), out), "shell-output");
      reader.setDaemon(true);
      reader.start();
      Ticker ticker = Ticker.system();
      long deadline = ticker.read() + timeout.toNanos();
      try {
        while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
          if (ctx.isCancelled()) {
            stop(p, group);
            return TaskResult.failure("withdrawn: " + ctx.cancelReason());
          }
          if (ticker.read() >= deadline) {
            stop(p, group);
            return TaskResult.failure("timed out after " + timeout);
          }
        }
      } catch (InterruptedException e) {
        stop(p, group); // withdrawn while it waited, or the agent stops
        throw e;
      }
      reader.join(1000);
      byte[] bytes;
      synchronized (out) {
        bytes = out.toByteArray();
      }
      Payload output = new Payload(bytes, "text/plain");
      return p.exitValue() == 0 ? TaskResult.success(output)
          : new TaskResult(false, output, "exit status " + p.exitValue());
    } finally {
      if (p.isAlive()) {
        stop(p, group);
      }
      closeQuietly(p);
      if (ownSession) {
        groups.ended(group);
      }
    }
  }

  /**
   * Stops the task: closing its pipe has the watchdog send the group SIGTERM now and SIGKILL {@link #KILL_AFTER}
   * later; this waits for the command that long and a second more, then kills what it can see of it itself.
   */
  private static void stop(Process p, long group) {
    closeQuietly(p);
    boolean interrupted = Thread.interrupted();
    try {
      long waitMillis = KILL_AFTER.toMillis() + 1000;
      while (true) {
        try {
          if (!p.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
          }
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the stop completes first; the interrupt is kept for the caller
        }
      }
      if (group > 1) {
        // What is left of the group (a command that ignores SIGTERM, or one whose watchdog is gone): the same
        // SIGTERM, then SIGKILL once the rest of KILL_AFTER is over.
        TaskGroups.stopGroup(group, KILL_AFTER);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already closed: the process ended
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (out) {
          if (out.size() < MAX_OUTPUT) {
            out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }
}
