package dev.fleet.transport.http.internal;

import dev.fleet.spi.Ticker;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Logs the connections the {@link ConnectionBudget} closes to make room, at WARNING with the remote address and
 * why, so an operator sees a flood and where it comes from. At most one line per {@code quiet} period: the flood
 * itself must not flood the log, so the connections closed in between are counted and the next line says how
 * many there were.
 *
 * <p>Thread-safe: called on any of Jetty's threads; the counting is synchronized.
 */
public final class ShedConnections {
  /** The default quiet period between two lines. */
  static final Duration QUIET = Duration.ofMinutes(1);
  // Under the public class's name, the one operators set levels for.
  private static final System.Logger LOG = System.getLogger("dev.fleet.transport.http.HttpCoordinator");

  private final QuietLog log;

  /**
   * @param ticker the coordinator's time source, on which the quiet period is measured
   * @param quiet the least time between two lines
   * @param sink where a line goes
   */
  ShedConnections(Ticker ticker, Duration quiet, Consumer<String> sink) {
    this.log = new QuietLog(ticker, quiet, sink);
  }

  /** One that logs at WARNING under the coordinator's logger, at most a line a minute. */
  public static ShedConnections logging(Ticker ticker) {
    return new ShedConnections(ticker, QUIET, line -> LOG.log(Level.WARNING, line));
  }

  /** Counts a connection from {@code address} closed for {@code reason}; logs it unless a line went out lately. */
  void shed(String address, String reason) {
    log.offer(unlogged -> "closed an idle connection from " + address + " that showed no credential, to make room ("
        + reason + "); machines and clients with a credential keep theirs" + (unlogged == 0 ? ""
        : " (" + unlogged + " more closed since the last line; at most one line per " + log.quietSeconds() + " s)"));
  }

}
