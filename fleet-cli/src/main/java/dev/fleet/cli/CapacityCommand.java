package dev.fleet.cli;

import dev.fleet.MachineId;
import dev.fleet.transport.http.HttpFleetClient;
import dev.fleet.transport.http.internal.Wire;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleet capacity [--window 24h]}: the running coordinator's capacity advice from its own history, in plain
 * sentences, with a sparkline per capability of how often its machines were at the ceiling; with {@code --add} or
 * {@code --remove}, what the recorded tasks would have waited on that fleet instead.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "capacity", description = "Advice from the fleet's own history: missing capabilities, saturated "
    + "capabilities, idle machines, power and presence waits.")
final class CapacityCommand extends ClientCommand {

  @Option(names = "--window", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "24h",
      description = "How far back to look, e.g. 30m, 24h, 7d (default 24h; at most the 7-day history).")
  Duration window;

  @Option(names = "--add", paramLabel = "CAPABILITIES",
      description = "What if a machine with these capabilities (comma-separated) were added? Repeatable.")
  List<String> add = new ArrayList<>();

  @Option(names = "--remove", paramLabel = "MACHINE", description = "What if this machine were taken away? Repeatable.")
  List<String> remove = new ArrayList<>();

  @Option(names = "--plot", paramLabel = "FILE.png",
      description = "Also draw the time at the ceiling and the p95 wait of each busy capability over the window.")
  java.nio.file.Path plot;

  @Override
  Integer execute() throws java.io.IOException {
    if (window.isNegative() || window.getSeconds() < 1) {
      throw new IllegalArgumentException("--window must be at least 1s, got " + window);
    }
    PrintWriter out = spec.commandLine().getOut();
    HttpFleetClient c = client.client();
    if (add.isEmpty() && remove.isEmpty()) {
      dev.fleet.CapacityReport report = c.capacity(window);
      out.print(CapacityPage.render(report));
      if (plot != null) {
        CapacityPlot.write(report, plot);
        out.println("Plotted to " + plot);
      }
    } else {
      if (plot != null) {
        throw new IllegalArgumentException("--plot draws the history; give it without --add and --remove");
      }
      List<Wire.WhatIfMachineDto> machines = new ArrayList<>();
      for (String caps : add) {
        List<String> names = Arrays.stream(caps.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        if (names.isEmpty()) {
          throw new IllegalArgumentException("--add needs capabilities such as inference,social, got '" + caps + "'");
        }
        machines.add(new Wire.WhatIfMachineDto(null, null, names, null));
      }
      out.print(CapacityPage.whatIf(c.capacityWhatIf(window, machines, remove.stream().map(MachineId::new).toList())));
    }
    out.flush();
    return 0;
  }
}
