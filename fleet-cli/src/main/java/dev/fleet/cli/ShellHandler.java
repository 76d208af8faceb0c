package dev.fleet.cli;

import dev.fleet.Payload;
import dev.fleet.TaskResult;
import dev.fleet.transport.http.TaskContext;
import dev.fleet.transport.http.TaskHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The handler of {@code fleet agent --allow-shell}: runs each task's payload as a {@code /bin/sh -c} command,
 * with a time limit, and answers with its output (at most 1 MiB) and exit status. Anyone who may submit work
 * may then run commands on this machine, so it is off unless asked for.
 *
 * <p>Thread-safe: each call runs its own process.
 */
final class ShellHandler implements TaskHandler {
  private static final int MAX_OUTPUT = 1 << 20;
  private final Duration timeout;

  ShellHandler(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public TaskResult run(TaskContext ctx) throws Exception {
    String command = ctx.task().payload().asText();
    if (command.isBlank()) {
      return TaskResult.failure("the payload is empty; it should be a shell command");
    }
    Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> copy(p.getInputStream(), out), "shell-output");
      reader.setDaemon(true);
      reader.start();
      long waited = 0;
      while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
        waited += 100;
        if (ctx.isCancelled()) {
          return TaskResult.failure("withdrawn: " + ctx.cancelReason());
        }
        if (waited >= timeout.toMillis()) {
          return TaskResult.failure("timed out after " + timeout);
        }
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
      p.destroyForcibly();
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
    } catch (java.io.IOException e) {
      // the process ended
    }
  }
}
