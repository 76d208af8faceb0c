package dev.fleet.cli;

import dev.fleet.Fleet;
import dev.fleet.core.Fleets;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fleet rules}: prints the dispatch rules as one page: the running coordinator's when one is known
 * ({@code --coordinator}, {@code FLEET_COORDINATOR}, the config file, or the state directory's
 * {@code coordinator.url}), else, or with {@code --defaults}, the built-in ones. The first line says which.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "rules", description = "Print the rules the running coordinator follows, on one page "
    + "(--defaults: the built-in rules).")
final class RulesCommand extends ClientCommand {

  @Option(names = "--defaults", description = "Print the built-in rules, not the running coordinator's.")
  boolean defaults;

  @Option(names = "--load-ceiling",
      description = "With the built-in rules: this load ceiling instead of 0.80 (implies --defaults).")
  Double loadCeiling;

  @Mixin
  OutputOption output;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<CoordinatorAddress> known = client.knownCoordinator();
    if (output.json()) {
      JsonOutput.print(out, defaults || loadCeiling != null || known.isEmpty() ? JsonDocuments.builtInRules(builtIn())
          : JsonDocuments.rules(client.client(), known.get()));
      return 0;
    }
    if (defaults || loadCeiling != null || known.isEmpty()) {
      out.println(defaults || loadCeiling != null
          ? "Built-in rules" + (loadCeiling == null ? "" : String.format(Locale.ROOT, " with load ceiling %.2f",
              loadCeiling)) + ", not a running coordinator's:"
          : "Built-in rules: no coordinator is known (no --coordinator, FLEET_COORDINATOR, config key or "
              + client.stateDirPath().resolve(StateDir.URL) + "):");
      out.print(builtIn());
    } else {
      String rules = client.client().rules();
      out.println("Rules of the running coordinator at " + known.get().display() + " (from " + known.get().source()
          + "):");
      out.print(rules.endsWith("\n") ? rules : rules + "\n");
    }
    out.flush();
    return 0;
  }

  private String builtIn() {
    var builder = Fleets.newBuilder();
    if (loadCeiling != null) {
      builder.loadCeiling(loadCeiling);
    }
    try (Fleet fleet = builder.build()) {
      return fleet.describeRules();
    }
  }
}
