package dev.fleet.cli;

import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Counts the stop requests a long-running command gets from its terminal or service manager (SIGINT from Ctrl-C,
 * SIGTERM from {@code kill} or systemd) instead of letting the first one end the JVM, so the command can stop
 * well on the first and at once on the second. Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}):
 * a shutdown hook sees only the first signal. SIGHUP still ends the JVM as before.
 *
 * <p>Thread-safe. Signals are counted on the JVM's signal thread; {@link #await} may be called from any thread.
 * {@link #close()} puts back the handlers it found.
 */
final class StopSignals implements AutoCloseable {
  private final List<Signal> installed = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private final List<String> ignored = new ArrayList<>();
  private int count;
  private String last;

  private StopSignals() {}

  /** Takes over SIGINT and SIGTERM; one the process was started ignoring stays ignored (see {@link #ignored()}). */
  static StopSignals install() {
    StopSignals s = new StopSignals();
    for (String name : List.of("INT", "TERM")) {
      Signal signal = new Signal(name);
      try {
        SignalHandler old = Signal.handle(signal, s::received);
        if (old == SignalHandler.SIG_IGN) {
          // The JVM does not take over a signal its process was started ignoring (a job started in the
          // background by a shell ignores SIGINT): it stays ignored.
          s.ignored.add("SIG" + name);
        }
        s.installed.add(signal);
        s.previous.add(old);
      } catch (IllegalArgumentException e) {
        s.ignored.add("SIG" + name); // the JVM keeps it (-Xrs): a stop request then ends the JVM at once
      }
    }
    return s;
  }

  /** The signals this process cannot use to stop well, e.g. SIGINT in a job started in the background. */
  List<String> ignored() {
    return List.copyOf(ignored);
  }

  private synchronized void received(Signal signal) {
    count++;
    last = "SIG" + signal.getName();
    notifyAll();
  }

  /** How many stop requests came so far. */
  synchronized int count() {
    return count;
  }

  /** The last signal received, e.g. {@code SIGINT}; null before the first. */
  synchronized String last() {
    return last;
  }

  /** Waits until more than {@code seen} stop requests came, or {@code limit} passed; returns the count. */
  synchronized int await(int seen, Duration limit) throws InterruptedException {
    Ticker ticker = Ticker.system();
    long deadline = ticker.read() + limit.toNanos();
    long left;
    while (count <= seen && (left = deadline - ticker.read()) > 0) {
      wait(Math.max(1, left / 1_000_000L));
    }
    return count;
  }

  @Override
  public void close() {
    for (int i = 0; i < installed.size(); i++) {
      try {
        Signal.handle(installed.get(i), previous.get(i));
      } catch (IllegalArgumentException e) {
        // nothing to put back
      }
    }
  }
}
