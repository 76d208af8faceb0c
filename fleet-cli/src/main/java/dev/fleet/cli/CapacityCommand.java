package dev.fleet.cli;

import dev.fleet.MachineId;
import dev.fleet.transport.http.HttpFleetClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

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

  @Mixin
  OutputOption output;

  @Override
  Integer execute() throws java.io.IOException {
    if (window.isNegative() || window.getSeconds() < 1) {
      throw new IllegalArgumentException("--window must be at least 1s, got " + window);
    }
    PrintWriter out = spec.commandLine().getOut();
    HttpFleetClient c = client.client();
    if (add.isEmpty() && remove.isEmpty()) {
      if (output.json()) {
        if (plot != null) {
          throw new IllegalArgumentException("--plot draws a picture; give it without -o json");
        }
        JsonOutput.print(out, JsonDocuments.get(c, "v1/capacity?window=" + window.getSeconds() + "s"));
        return 0;
      }
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
      List<dev.fleet.Machine> machines = new ArrayList<>();
      for (String caps : add) {
        List<String> names = Arrays.stream(caps.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        if (names.isEmpty()) {
          throw new IllegalArgumentException("--add needs capabilities such as inference,social, got '" + caps + "'");
        }
        // the ids and role the coordinator would give them, so the answer names them the same way
        String id = "what-if-" + (machines.size() + 1);
        machines.add(dev.fleet.Machine.of(id, id, "added", names));
      }
      dev.fleet.CapacityWhatIf w = c.capacityWhatIf(window, machines, remove.stream().map(MachineId::new).toList());
      if (output.json()) {
        JsonOutput.print(out, whatIfJson(w));
        return 0;
      }
      out.print(CapacityPage.whatIf(w));
    }
    out.flush();
    return 0;
  }

  /** The what-if with the field names of {@code POST /v1/capacity/what-if}'s answer. */
  private static ObjectNode whatIfJson(dev.fleet.CapacityWhatIf w) {
    ObjectNode d = JsonOutput.object();
    d.put("windowMillis", w.window().toMillis());
    d.put("tasks", w.tasks());
    ArrayNode added = d.putArray("added");
    w.added().forEach(m -> added.add(m.id().value()));
    ArrayNode removed = d.putArray("removed");
    w.removed().forEach(m -> removed.add(m.value()));
    d.put("sentence", w.sentence());
    ArrayNode waits = d.putArray("waits");
    for (dev.fleet.CapacityWhatIf.Wait x : w.waits()) {
      waits.addObject().put("capability", x.capability()).put("tasks", x.tasks())
          .put("beforeMillis", x.before().toMillis()).put("afterMillis", x.after().toMillis());
    }
    return d;
  }
}
