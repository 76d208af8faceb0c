package dev.fleet.cli;

import dev.fleet.OwnerReturnPolicy;
import dev.fleet.Payload;
import dev.fleet.Priority;
import dev.fleet.Task;
import dev.fleet.TaskStatus;
import dev.fleet.Weight;
import dev.fleet.transport.http.HttpFleetClient;
import dev.fleet.transport.http.RemoteDecision;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet submit}: submits one task to a running coordinator and prints where it went or why it waits;
 * with {@code --wait}, waits for its result.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "submit", description = "Submit a task to the coordinator.")
final class SubmitCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "ID", description = "The task's id, unique in the fleet.")
  String id;

  @Option(names = "--title", description = "What a person reads in explanations.")
  String title;

  @Option(names = "--requires", split = ",", paramLabel = "CAP", description = "Capabilities the machine needs.")
  List<String> requires = List.of();

  @Option(names = "--priority", defaultValue = "normal",
      description = "urgent, high, normal, low or background (default ${DEFAULT-VALUE}).")
  String priority;

  @Option(names = "--weight", defaultValue = "normal", description = "light, normal or heavy (default ${DEFAULT-VALUE}).")
  String weight;

  @Option(names = "--role", description = "A preferred machine role.")
  String role;

  @Option(names = "--payload", description = "The task's payload, as text (a shell command for --allow-shell agents).")
  String payload;

  @Option(names = "--max-attempts", description = "How many times it may be dispatched (default 3).")
  Integer maxAttempts;

  @Option(names = "--idempotency-key", description = "A second submission with this key returns the first task.")
  String idempotencyKey;

  @Option(names = "--on-owner-return", paramLabel = "POLICY",
      description = "For background work, when the machine's owner returns: move (default), pause, or pause:PT30M"
          + " (pause, moving anyway after 30 minutes).")
  String onOwnerReturn;

  @Option(names = "--wait", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "Wait up to this long for the result and print it.")
  Duration wait;

  @Override
  Integer execute() {
    PrintWriter out = spec.commandLine().getOut();
    Task.Builder b = Task.newBuilder(id).requires(requires).priority(Priority.parse(priority))
        .weight(Weight.parse(weight));
    if (title != null) {
      b.title(title);
    }
    if (role != null) {
      b.role(role);
    }
    if (payload != null) {
      b.payload(Payload.text(payload, "text/plain"));
    }
    if (maxAttempts != null) {
      b.maxAttempts(maxAttempts);
    }
    if (idempotencyKey != null) {
      b.idempotencyKey(idempotencyKey);
    }
    if (onOwnerReturn != null) {
      b.onOwnerReturn(OwnerReturnPolicy.parse(onOwnerReturn));
    }
    HttpFleetClient c = client.client();
    RemoteDecision d = c.submit(List.of(b.build())).get(0);
    out.println(d.task() + " " + d.outcome().name().toLowerCase(Locale.ROOT)
        + d.machine().map(m -> " to " + m).orElse("") + ": " + d.why().render());
    out.flush();
    if (wait == null || d.outcome() == RemoteDecision.Outcome.REJECTED) {
      return d.outcome() == RemoteDecision.Outcome.REJECTED ? 3 : 0;
    }
    long polls = Math.max(1, wait.toMillis() / 200);
    for (long i = 0; i < polls; i++) {
      TaskStatus s = c.task(d.task()).orElseThrow();
      if (s.state().isFinal()) {
        out.println(d.task() + " " + s.state().name().toLowerCase(Locale.ROOT)
            + s.machine().map(m -> " on " + m).orElse("") + ": " + s.why().summary());
        s.result().ifPresent(r -> {
          if (r.output().size() > 0) {
            out.println(r.output().asText());
          }
        });
        out.flush();
        return s.result().map(r -> r.succeeded() ? 0 : 1).orElse(1);
      }
      LockSupport.parkNanos(200_000_000L);
    }
    out.println(d.task() + " did not finish within " + wait);
    out.flush();
    return 2;
  }
}
