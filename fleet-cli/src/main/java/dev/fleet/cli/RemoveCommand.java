package dev.fleet.cli;

import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.transport.http.HttpFleetClient;
import dev.fleet.transport.http.RemoteMachine;
import java.io.PrintWriter;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet rm MACHINE}: removes a machine from the fleet without asking, and says what that did: its
 * credential stops working and its unfinished work moves.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "rm", description = "Remove a machine from the fleet: its credential stops working, its unfinished "
    + "work moves.")
final class RemoveCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "MACHINE", description = "The machine's id, as `fleet status` lists it.")
  String machine;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    HttpFleetClient c = client.client();
    MachineId id = new MachineId(machine);
    RemoteMachine m = c.machines().stream().filter(r -> r.status().id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the coordinator at " + client.coordinator().display()
            + " has no machine '" + machine + "'; `fleet status` lists the machines"));
    c.removeMachine(id);
    out.println("Removed " + machine + " (it was " + m.status().health().word() + ") from the fleet; its credential "
        + "no longer works, so its agent must join again with the join token.");
    if (!m.tasks().isEmpty()) {
      out.println("Its " + m.tasks().size() + " unfinished task" + (m.tasks().size() == 1 ? "" : "s") + " ("
          + m.tasks().stream().map(TaskId::value).collect(Collectors.joining(", "))
          + ") moved to other machines or back to the queue.");
    }
    out.flush();
    return 0;
  }
}
