package dev.fleet.cli;

import dev.fleet.MachineId;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet approve MACHINE}: approves the machine's waiting claim (a known machine gets what it claimed at
 * once; a new one joins the next time its agent asks), or with {@code --dismiss} drops it.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "approve", description = "Approve a machine's claim that waits for approval (`fleet approvals`).")
final class ApproveCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "MACHINE", description = "The machine's id, as `fleet approvals` lists it.")
  String machine;

  @Option(names = "--dismiss", description = "Drop the claim instead of approving it (an agent that asks again is "
      + "held again).")
  boolean dismiss;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    MachineId id = new MachineId(machine);
    if (dismiss) {
      client.client().dismissClaim(id);
      out.println("Dismissed the claim of " + machine + "; nothing of it was approved.");
    } else {
      out.println("Approved: " + client.client().approve(id) + ".");
    }
    out.flush();
    return 0;
  }
}
