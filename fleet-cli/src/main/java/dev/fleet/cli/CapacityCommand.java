package dev.fleet.cli;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleet capacity [--window 24h]}: the running coordinator's capacity advice from its own history, in plain
 * sentences, with a sparkline per capability of how often its machines were at the ceiling.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "capacity", description = "Advice from the fleet's own history: missing capabilities, saturated "
    + "capabilities, idle machines, power and presence waits.")
final class CapacityCommand extends ClientCommand {

  @Option(names = "--window", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "24h",
      description = "How far back to look, e.g. 30m, 24h, 7d (default 24h; at most the 7-day history).")
  Duration window;

  @Override
  Integer execute() {
    if (window.isNegative() || window.getSeconds() < 1) {
      throw new IllegalArgumentException("--window must be at least 1s, got " + window);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(CapacityPage.render(client.client().capacity(window)));
    out.flush();
    return 0;
  }
}
