package dev.fleet.cli;

import dev.fleet.Attempt;
import dev.fleet.TaskId;
import dev.fleet.TaskStatus;
import dev.fleet.transport.http.HttpFleetClient;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet explain TASK}: where a task is and why, each machine's verdict, what would unblock it, and its
 * attempts so far.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "explain", description = "Explain where a task is and why.")
final class ExplainCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "TASK", description = "The task's id.")
  String task;

  @Mixin
  OutputOption output;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    HttpFleetClient c = client.client();
    TaskId id = new TaskId(task);
    if (output.json()) {
      JsonOutput.print(out, JsonDocuments.explain(c, id));
      return 0;
    }
    TaskStatus s = c.task(id).orElseThrow(() -> new IllegalArgumentException("the coordinator knows no task '"
        + task + "'"));
    out.println(id + ": " + s.state().name().toLowerCase(Locale.ROOT) + s.machine().map(m -> " on " + m).orElse("")
        + (s.attempt() > 0 ? ", attempt " + s.attempt() + " of " + s.task().maxAttempts() : ""));
    out.println(c.explain(id).render());
    for (Attempt a : s.attempts()) {
      out.println("  attempt " + a.number() + " on " + a.machine() + (a.ending().isEmpty() ? " (current)"
          : ": " + a.ending()));
    }
    out.flush();
    return 0;
  }
}
