package dev.fleet.cli;

import dev.fleet.Payload;
import dev.fleet.TaskResult;
import dev.fleet.transport.http.TaskContext;
import dev.fleet.transport.http.TaskHandler;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The safe built-in handler of {@code fleet agent}: answers each task with its payload, prefixed by the machine,
 * after sleeping when the payload reads {@code sleep 500ms} (or {@code 5s}, {@code 1m}, at most an hour); the sleep
 * holds while the attempt is paused. It runs nothing.
 *
 * <p>Thread-safe: stateless.
 */
final class EchoHandler implements TaskHandler {
  private static final Pattern SLEEP = Pattern.compile("\\s*sleep\\s+(\\d+)\\s*(ms|s|m)?\\s*");
  private static final Duration LONGEST = Duration.ofHours(1);

  @Override
  public TaskResult run(TaskContext ctx) throws InterruptedException {
    String text = ctx.task().payload().asText();
    Matcher m = SLEEP.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = m.group(2) == null || m.group(2).equals("ms") ? Duration.ofMillis(n)
          : m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMinutes(n);
      if (d.compareTo(LONGEST) > 0) {
        return TaskResult.failure("refused to sleep " + d + ": at most " + LONGEST);
      }
      long until = d.toMillis();
      // Sleep in steps so a withdrawal stops it promptly even if the interrupt is missed; hold while paused.
      for (long slept = 0; slept < until && !ctx.isCancelled(); slept += 100) {
        ctx.awaitResumed();
        Thread.sleep(Math.min(100, until - slept));
      }
    }
    return TaskResult.success(Payload.text(ctx.machine() + ": " + text, "text/plain"));
  }
}
