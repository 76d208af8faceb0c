package dev.fleet.cli;

import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.transport.http.RemoteMachine;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleet undrain MACHINE}: ends a drain; the machine takes work again once it is heard from.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "undrain", description = "End a drain: the machine takes work again.")
final class UndrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "MACHINE", description = "The machine's id, as `fleet status` lists it.")
  String machine;

  @Override
  public Integer call() throws Exception {
    return CommandErrors.run(spec, this::execute);
  }

  private Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    RemoteMachine m = client.client().undrain(new MachineId(machine));
    Health h = m.status().health();
    out.println(machine + " is no longer drained; it is " + h.word() + (h.acceptsWork() ? " and takes work again."
        : ", so it takes work once its agent is heard from."));
    out.flush();
    return 0;
  }
}
