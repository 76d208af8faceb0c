package dev.fleet.cli;

import dev.fleet.MachineStatus;
import dev.fleet.TaskId;
import dev.fleet.TaskStatus;
import dev.fleet.transport.http.HttpFleetClient;
import dev.fleet.transport.http.RemoteMachine;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code fleet status}: the machines of a running coordinator with health, when each was last heard from, slots in
 * use, load, signals and running tasks, then the queue with why each task waits, then (from a coordinator that
 * reports them) the coordinators with their roles and the term.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "status", description = "Show the machines and the queue of a running coordinator.")
final class StatusCommand extends ClientCommand {

  /** The wall clock LAST SEEN is measured against. */
  InstantSource clock = InstantSource.system();

  @Mixin
  OutputOption output;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    HttpFleetClient c = client.client();
    if (output.json()) {
      JsonOutput.print(out, JsonDocuments.status(c));
      return 0;
    }
    List<RemoteMachine> machines = c.machines();
    List<TaskStatus> queue = c.queue();
    // No "joined" column: it showed whether the coordinator holds a credential for the machine, which stays true
    // while its agent is dead; HEALTH and LAST SEEN say whether it is there.
    Table t = new Table("MACHINE", "ROLE", "CAPABILITIES", "HEALTH", "LAST SEEN", "SLOTS", "LOAD", "SIGNALS",
        "RUNNING");
    Instant now = clock.instant();
    for (RemoteMachine m : machines) {
      MachineStatus s = m.status();
      t.row(s.id(), s.machine().role(), String.join(",", s.machine().capabilities()), s.health().word(),
          s.lastHeartbeat().map(at -> ago(Duration.between(at, now))).orElse("never"), slots(s),
          String.format(Locale.ROOT, "%.2f", s.effectiveLoad()), signals(s),
          m.tasks().isEmpty() ? "-" : m.tasks().size() + ": " + m.tasks().stream().map(TaskId::value)
              .collect(Collectors.joining(",")));
    }
    out.println(machines.size() + " machines");
    out.print(t.render("  "));
    out.println();
    out.println(queue.size() + " queued tasks");
    if (!queue.isEmpty()) {
      Table q = new Table("TASK", "PRIORITY", "REQUIRES", "WHY");
      for (TaskStatus s : queue) {
        q.row(s.id(), s.task().priority().word(), String.join("+", s.task().requires()), s.why().summary());
      }
      out.print(q.render("  "));
    }
    CoordinatorsSection.print(out, c);
    out.flush();
    return 0;
  }

  /** How long ago, coarsely: 12s, 5m, 3h, 2d; a heartbeat stamped ahead of this clock is "0s ago". */
  static String ago(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s ago";
    }
    if (s < 120 * 60) {
      return s / 60 + "m ago";
    }
    if (s < 48 * 3600) {
      return s / 3600 + "h ago";
    }
    return s / 86400 + "d ago";
  }

  /**
   * Tasks out on the machine over the slots its agent reports (its {@code slots} label), e.g. {@code 1/2};
   * {@code 1/-} when it reports none.
   */
  static String slots(MachineStatus s) {
    return s.activeTasks() + "/" + s.machine().slots().stream().mapToObj(String::valueOf).findFirst().orElse("-");
  }

  private static String signals(MachineStatus s) {
    List<String> parts = new ArrayList<>();
    if (s.signals().onBattery()) {
      parts.add("battery" + (s.signals().batteryPercent().isPresent() ? " " + s.signals().batteryPercent().getAsInt()
          + "%" : ""));
    }
    if (s.signals().throttled()) {
      parts.add("throttled");
    }
    Double temp = s.signals().metrics().get("cpu.temp");
    if (temp != null) {
      parts.add(String.format(Locale.ROOT, "%.0fC", temp));
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }
}
