package dev.fleet.cli;

import dev.fleet.Fleet;
import dev.fleet.core.Fleets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fleet rules}: prints the dispatch rules of a fleet with the given settings, as one page.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "rules", description = "Print the rules a fleet with these settings follows, on one page.")
final class RulesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--load-ceiling", description = "Load at or over which a machine takes no new work (default 0.80).")
  Double loadCeiling;

  @Override
  public Integer call() {
    var builder = Fleets.newBuilder();
    if (loadCeiling != null) {
      builder.loadCeiling(loadCeiling);
    }
    try (Fleet fleet = builder.build()) {
      spec.commandLine().getOut().print(fleet.describeRules());
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
