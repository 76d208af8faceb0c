package dev.fleet.cli;

import dev.fleet.transport.http.HttpAgent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How {@code fleet agent} leaves once asked to stop: it says what it does ("draining: 2 tasks running, up to 30s;
 * Ctrl-C again to hand them back now"), leaves with the grace, and on a second SIGINT or SIGTERM hands everything
 * back at once; then it says how it went. The leave runs on its own thread so this one can watch for the second
 * signal.
 *
 * <p>Used from one thread, once.
 */
final class AgentLeave {
  private final HttpAgent agent;
  private final StopSignals signals;
  private final PrintWriter out;

  AgentLeave(HttpAgent agent, StopSignals signals, PrintWriter out) {
    this.agent = agent;
    this.signals = signals;
    this.out = out;
  }

  /** Leaves; returns the exit status (0: it left, whatever became of its work). */
  int leave(Duration grace) throws InterruptedException {
    int seen = signals.count();
    int running = agent.activeTasks().size();
    String id = agent.id().value();
    out.println("Agent " + id + " leaving (" + (seen > 0 ? signals.last() : "asked to stop") + "), draining: "
        + tasks(running) + " running, up to " + text(grace)
        + (seen > 0 && running > 0 ? "; " + ("SIGINT".equals(signals.last()) ? "Ctrl-C" : signals.last())
            + " again to hand them back now" : ""));
    out.flush();
    CompletableFuture<HttpAgent.Departure> leaving = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        leaving.complete(agent.leave(grace));
      } catch (RuntimeException | Error e) {
        leaving.completeExceptionally(e);
      }
    }, "fleet-agent-leave");
    t.setDaemon(true);
    t.start();
    HttpAgent.Departure d = null;
    while (d == null) {
      try {
        d = leaving.get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (signals.count() > seen) {
          out.println("Agent " + id + " handing back " + tasks(agent.activeTasks().size()) + " now.");
          out.flush();
          d = agent.leave(Duration.ZERO);
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException("leaving failed: " + e.getCause().getMessage(), e.getCause());
      }
    }
    out.println("Agent " + id + " left: " + d.finished() + " finished, " + d.handedBack() + " handed back"
        + (d.coordinatorTold() ? " to run elsewhere now." : "; the coordinator was not told (it could not be "
            + "reached), so whatever it still had for this machine moves when it takes the machine for offline."));
    out.flush();
    return 0;
  }

  private static String tasks(int n) {
    return n + (n == 1 ? " task" : " tasks");
  }

  /** A duration as a person writes it: 30s, 2m, 1h, 250ms. */
  static String text(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
