package dev.fleet.cli;

import dev.fleet.MachineId;
import dev.fleet.json.RegistryEntry;
import dev.fleet.json.RegistryJson;
import dev.fleet.transport.http.HttpFleetClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet registry export [FILE]} and {@code fleet registry import FILE}: the running coordinator's registry
 * in the seed's file format ({@code GET} and {@code POST /v1/registry}), for other tools to read and to carry
 * machines, with when each was last heard, into another fleet.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "registry", description = "The running fleet's registry in the seed's JSON format: export it, or "
    + "import machines from one.", subcommands = {RegistryCommand.Export.class, RegistryCommand.Import.class})
final class RegistryCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code fleet registry export [FILE]}: the live registry to standard output, or to FILE atomically. */
  @Command(name = "export", description = "Print the live registry ({\"machines\": [...]}, the seed's format plus a "
      + "\"fleet\" object per machine), or write it to FILE atomically.")
  static final class Export extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
        description = "Where to write it (replaced whole, never half-written); standard output if absent.")
    Path file;

    @Override
    Integer execute() {
      String json = client.client().registry();
      PrintWriter out = spec.commandLine().getOut();
      if (file == null) {
        out.print(json);
      } else {
        RegistryJson.replace(file, json);
        out.println("Wrote " + RegistryJson.read(json).size() + " machines to " + file);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code fleet registry import FILE}: registers the file's machines the fleet lacks, all or none. */
  @Command(name = "import", description = "Register the machines of a registry file that the fleet does not have "
      + "yet, each with its last_heartbeat; all or none.")
  static final class Import extends ClientCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "A registry JSON file ({\"machines\": [...]}).")
    Path file;

    @Override
    Integer execute() {
      // Checked here first, so a mistake is reported with the file's name before anything is sent.
      List<RegistryEntry> entries = RegistryJson.read(file);
      HttpFleetClient.RegistryImport done = client.client().importRegistry(RegistryJson.write(entries));
      PrintWriter out = spec.commandLine().getOut();
      out.println("Imported " + done.imported().size() + " of " + entries.size() + " machines from " + file
          + (done.imported().isEmpty() ? "" : ": " + ids(done.imported())));
      if (!done.skipped().isEmpty()) {
        out.println("Already registered, left as they are: " + ids(done.skipped()));
      }
      out.flush();
      return 0;
    }

    private static String ids(List<MachineId> ids) {
      return String.join(", ", ids.stream().map(MachineId::value).toList());
    }
  }
}
