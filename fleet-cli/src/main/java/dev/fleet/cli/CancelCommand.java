package dev.fleet.cli;

import dev.fleet.TaskId;
import dev.fleet.TaskStatus;
import dev.fleet.transport.http.HttpFleetClient;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet cancel TASK}: cancels a task that has not finished and says what it was doing; a finished task is
 * left as it is, and said so.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "cancel", description = "Cancel a task that has not finished.")
final class CancelCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "TASK", description = "The task's id.")
  String task;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    HttpFleetClient c = client.client();
    TaskId id = new TaskId(task);
    TaskStatus before = c.task(id).orElseThrow(() -> new IllegalArgumentException("the coordinator at "
        + client.coordinator().display() + " knows no task '" + task + "'; `fleet status` lists the queue"));
    String was = before.state().name().toLowerCase(Locale.ROOT) + before.machine().map(m -> " on " + m).orElse("");
    if (c.cancel(id)) {
      out.println("Cancelled " + id + " (it was " + was + ")" + (before.machine().isPresent()
          ? "; its machine is told to stop it, and a result it still sends is refused." : "."));
    } else {
      String now = c.task(id).map(s -> s.state().name().toLowerCase(Locale.ROOT)).orElse("finished");
      out.println(id + " had already finished (" + now + "); nothing to cancel.");
    }
    out.flush();
    return 0;
  }
}
