package dev.fleet.cli;

import dev.fleet.MachineId;
import dev.fleet.TaskState;
import dev.fleet.transport.http.TaskFilter;
import dev.fleet.transport.http.TaskSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fleet tasks}: the tasks a running coordinator knows (live ones and the finished ones it remembers), newest
 * last, filtered by state, machine and capability.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "tasks", description = "List the tasks of a running coordinator, filtered by state, machine or "
    + "capability.")
final class TasksCommand extends ClientCommand {

  @Option(names = "--state", split = ",", paramLabel = "STATE",
      description = "Only tasks in these states (queued, dispatched, running, paused, succeeded, failed, cancelled, "
          + "rejected, dead_lettered); repeat or separate with commas.")
  List<String> states = new ArrayList<>();

  @Option(names = "--machine", paramLabel = "MACHINE", description = "Only tasks sent to this machine.")
  String machine;

  @Option(names = "--capability", paramLabel = "CAPABILITY", description = "Only tasks that require this capability.")
  String capability;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "Show at most the newest N matching tasks (default ${DEFAULT-VALUE}, at most 10000).")
  int limit;

  @Mixin
  OutputOption output;

  @Override
  Integer execute() {
    if (limit < 1 || limit > TaskFilter.MAX_LIMIT) {
      throw new IllegalArgumentException("--limit must be from 1 to " + TaskFilter.MAX_LIMIT + ", got " + limit);
    }
    TaskFilter filter = TaskFilter.all().withLimit(Math.min(TaskFilter.MAX_LIMIT, limit + 1))
        .withStates(states.stream().map(TasksCommand::state).toArray(TaskState[]::new));
    if (machine != null) {
      filter = filter.withMachine(new MachineId(machine));
    }
    if (capability != null) {
      filter = filter.withCapability(capability);
    }
    if (output.json()) {
      JsonOutput.print(spec.commandLine().getOut(), JsonDocuments.tasks(client.client(), filter.withLimit(limit)));
      return 0;
    }
    List<TaskSummary> tasks = client.client().tasks(filter);
    boolean more = tasks.size() > limit; // one more was asked for, to tell
    if (more) {
      tasks = tasks.subList(tasks.size() - limit, tasks.size());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (tasks.isEmpty()) {
      out.println("no tasks" + (filter.states().isEmpty() && machine == null && capability == null ? ""
          : " match"));
      out.flush();
      return 0;
    }
    Table t = new Table("ID", "STATE", "MACHINE", "ATTEMPT", "PRIORITY", "CAPS", "AGE");
    for (TaskSummary s : tasks) {
      t.row(s.id(), word(s.state()), s.machine().map(MachineId::value).orElse("-"),
          s.attempt() == 0 ? "-" : s.attempt() + "/" + s.maxAttempts(), s.priority().word(),
          s.requires().isEmpty() ? "-" : s.requires().stream().sorted().collect(Collectors.joining(",")),
          s.sinceDispatch().map(TasksCommand::age).orElse("-"));
    }
    out.print(t.render(""));
    out.println(more ? "the newest " + limit + " shown; older ones match too (raise --limit)"
        : tasks.size() + (tasks.size() == 1 ? " task" : " tasks"));
    out.flush();
    return 0;
  }

  private static TaskState state(String word) {
    try {
      return TaskState.valueOf(word.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--state '" + word + "' is not a task state; use one of " + Arrays.stream(
          TaskState.values()).map(TasksCommand::word).collect(Collectors.joining(", ")));
    }
  }

  static String word(TaskState s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  /** A duration as a person glances at it: 12s, 5m, 3h, 4d. */
  static String age(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m";
    }
    if (s < 48 * 3600) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
