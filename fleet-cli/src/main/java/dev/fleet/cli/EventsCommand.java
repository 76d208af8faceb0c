package dev.fleet.cli;

import dev.fleet.transport.http.HttpFleetClient;
import dev.fleet.transport.http.model.RemoteEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fleet events [-f]}: the fleet's recent events, one line each; with {@code -f} it keeps following them,
 * across lost connections and coordinator restarts, until stopped, saying where events were missed.
 *
 * <p>Follows on a thread of its own, so that Ctrl-C (or {@code --stop-after}) ends it at once; lines are printed
 * from that thread.
 */
@Command(name = "events", description = "Print the fleet's recent events, one per line; -f keeps following them.")
final class EventsCommand extends ClientCommand {

  @Option(names = {"-f", "--follow"}, description = "Keep printing events as they happen, until stopped (Ctrl-C).")
  boolean follow;

  @Option(names = "--last", paramLabel = "N", defaultValue = "20",
      description = "Start with the newest N events the coordinator holds (default ${DEFAULT-VALUE}; 0 for none).")
  int last;

  @Option(names = "--since", paramLabel = "ID",
      description = "Start after this event id (the second column), instead of --last.")
  Long since;

  @Option(names = "--stop-after", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "With -f, stop after this long (default: until stopped).")
  Duration stopAfter;

  @Mixin
  OutputOption output;

  @Override
  Integer execute() throws InterruptedException {
    if (last < 0) {
      throw new IllegalArgumentException("--last must be >= 0, got " + last);
    }
    if (since != null && since < 0) {
      throw new IllegalArgumentException("--since must be an event id (digits), got " + since);
    }
    HttpFleetClient c = client.client();
    OptionalLong after = since == null ? OptionalLong.empty() : OptionalLong.of(since);
    PrintWriter out = spec.commandLine().getOut();
    if (!follow && output.json()) {
      tools.jackson.databind.node.ObjectNode d = JsonOutput.object();
      tools.jackson.databind.node.ArrayNode events = d.putArray("events");
      for (RemoteEvent e : c.recentEvents(after, last)) {
        events.add(JsonDocuments.event(e));
      }
      JsonOutput.print(out, d);
      return 0;
    }
    if (!follow) {
      for (RemoteEvent e : c.recentEvents(after, last)) {
        print(out, e);
      }
      out.flush();
      return 0;
    }
    return followUntilStopped(c, after, out);
  }

  private int followUntilStopped(HttpFleetClient c, OptionalLong after, PrintWriter out) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Thread follower = new Thread(() -> {
      try {
        c.events(after, last, e -> {
          print(out, e);
          return true;
        });
      } catch (InterruptedException e) {
        // stopped
      } catch (RuntimeException e) {
        failure.set(e);
      } finally {
        done.countDown();
      }
    }, "fleet-events");
    follower.setDaemon(true);
    follower.start();
    Thread hook = new Thread(done::countDown, "fleet-events-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (stopAfter == null) {
        done.await();
      } else {
        done.await(stopAfter.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      follower.interrupt();
      follower.join(TimeUnit.SECONDS.toMillis(5));
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the JVM is stopping
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    out.flush();
    return 0;
  }

  /** One line per event; a lost stream is told on standard error, where it does not mix with the events. */
  private void print(PrintWriter out, RemoteEvent e) {
    if (e instanceof RemoteEvent.Reconnecting r) {
      PrintWriter err = spec.commandLine().getErr();
      if (output.json()) {
        tools.jackson.databind.node.ObjectNode notice = JsonOutput.object();
        notice.put("type", "reconnecting");
        notice.put("reason", r.reason());
        notice.put("delayMillis", r.delay().toMillis());
        JsonOutput.print(err, notice);
        return;
      }
      err.println("fleet events: " + r.reason() + "; reconnecting in " + seconds(r.delay()));
      err.flush();
      return;
    }
    if (output.json()) {
      JsonOutput.print(out, JsonDocuments.event(e)); // with -f one document a line: NDJSON
      return;
    }
    out.println(line(e));
    out.flush();
  }

  static String line(RemoteEvent e) {
    if (e instanceof RemoteEvent.TaskChanged t) {
      return time(t.at()) + " " + t.id() + " task " + t.task() + " " + word(t.from()) + " -> " + word(t.to())
          + t.machine().map(m -> " on " + m).orElse("") + (t.attempt() > 0 ? " (attempt " + t.attempt() + ")" : "")
          + ": " + t.reason();
    }
    if (e instanceof RemoteEvent.HealthChanged h) {
      return time(h.at()) + " " + h.id() + " machine " + h.machine() + " " + h.from().word() + " -> "
          + h.to().word() + ": " + h.reason();
    }
    RemoteEvent.Gap g = (RemoteEvent.Gap) e;
    return "events missed after " + g.lastEventId() + (g.missed().isPresent() ? " (" + g.missed().getAsLong()
        + ")" : "") + ": " + g.reason();
  }

  private static String time(Instant at) {
    return at.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static String word(Enum<?> state) {
    return state.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : String.format(java.util.Locale.ROOT, "%.2fs",
        d.toMillis() / 1000.0);
  }
}
