package dev.fleet.cli;

import dev.fleet.MachineId;
import dev.fleet.transport.http.RemoteMachine;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet drain MACHINE}: the machine takes no new work; what it runs finishes, or with {@code --deadline}
 * moves to other machines when the deadline passes.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "drain", description = "Give a machine no new work; its running work finishes (or moves after "
    + "--deadline).")
final class DrainCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "MACHINE", description = "The machine's id, as `fleet status` lists it.")
  String machine;

  @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Move the work still running on it to other machines after this long, e.g. 10m (default: let "
          + "it finish however long it takes).")
  Duration deadline;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    RemoteMachine m = client.client().drain(new MachineId(machine), Optional.ofNullable(deadline));
    int running = m.tasks().size();
    out.println("Draining " + machine + ": it takes no new work; " + (running == 0 ? "nothing runs on it."
        : running + " task" + (running == 1 ? "" : "s") + " running on it "
            + (deadline == null ? "may finish." : "may finish within " + deadline.toString().substring(2)
                .toLowerCase(java.util.Locale.ROOT) + ", then move to other machines.")));
    out.println("Undo with: fleet undrain " + machine);
    out.flush();
    return 0;
  }
}
