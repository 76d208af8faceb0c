package dev.fleet.cli;

import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.transport.http.RemoteMachine;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet undrain MACHINE}: ends a drain; the machine takes work again once it is heard from.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "undrain", description = "End a drain: the machine takes work again.")
final class UndrainCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "MACHINE", description = "The machine's id, as `fleet status` lists it.")
  String machine;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    RemoteMachine m = client.client().undrain(new MachineId(machine));
    Health h = m.status().health();
    out.println(machine + " is no longer drained; it is " + h.word() + (h.acceptsWork() ? " and takes work again."
        : ", so it takes work once its agent is heard from."));
    out.flush();
    return 0;
  }
}
