package dev.fleet.cli;

import dev.fleet.transport.http.model.HeldClaim;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code fleet approvals}: the claims waiting for the operator: new machines held by a scoped token, and known
 * machines that joined again claiming more than they were approved with.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "approvals", description = "List the machines' claims waiting for approval (`fleet approve`).")
final class ApprovalsCommand extends ClientCommand {
  @Mixin
  OutputOption output;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      JsonOutput.print(out, JsonDocuments.get(client.client(), "v1/approvals"));
      return 0;
    }
    List<HeldClaim> claims = client.client().approvals();
    if (claims.isEmpty()) {
      out.println("No claims wait for approval.");
    } else {
      Table t = new Table("MACHINE", "STATE", "TOKEN", "ROLE", "CAPABILITIES", "BEYOND", "FROM");
      for (HeldClaim c : claims) {
        t.row(c.machine(), c.state() + (c.known() ? " (joined)" : " (new)"), c.token().orElse("fleet"), c.role(),
            c.capabilities().isEmpty() ? "-" : String.join(",", c.capabilities()), String.join("; ", c.beyond()),
            c.address());
      }
      out.print(t.render(""));
      out.println("Approve one with: fleet approve MACHINE");
    }
    out.flush();
    return 0;
  }
}
