package dev.fleet.transport.http.internal;

import dev.fleet.spi.Ticker;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;

/**
 * Logs the coordinator's failed TLS handshakes at WARNING, with the remote address and the reason, so an operator
 * sees an agent that does not trust the certificate (or speaks plain HTTP to the HTTPS port). At most one line per
 * {@code quiet} period: a flood of failed handshakes must not flood the log, so the failures in between are
 * counted and the next line says how many there were.
 *
 * <p>Thread-safe: Jetty calls it on any selector thread; the counting is synchronized.
 */
final class HandshakeFailures implements SslHandshakeListener {
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
  HandshakeFailures(Ticker ticker, Duration quiet, Consumer<String> sink) {
    this.log = new QuietLog(ticker, quiet, sink);
  }

  /** One that logs at WARNING under the coordinator's logger, at most a line a minute. */
  static HandshakeFailures logging(Ticker ticker) {
    return new HandshakeFailures(ticker, QUIET, line -> LOG.log(Level.WARNING, line));
  }

  @Override
  public void handshakeFailed(Event event, Throwable failure) {
    failed(remote(event), failure == null ? "unknown reason" : String.valueOf(failure.getMessage()));
  }

  /** Counts a failed handshake from {@code remote}, and logs it unless a line went out within the quiet period. */
  void failed(String remote, String reason) {
    log.offer(unlogged -> "TLS handshake from " + remote + " failed: " + reason + "; a client or agent that does not "
        + "trust this coordinator's certificate (give it --trust with the PEM from `fleet coordinator export-cert`), "
        + "or one speaking plain http to the https port" + (unlogged == 0 ? "" : " (" + unlogged + " more failed "
        + "handshakes not logged since the last line; at most one line per " + log.quietSeconds() + " s)"));
  }


  private static String remote(Event event) {
    EndPoint endPoint = event.getEndPoint();
    SocketAddress address = endPoint == null ? null : endPoint.getRemoteSocketAddress();
    if (address != null) {
      return address.toString();
    }
    SSLEngine engine = event.getSSLEngine();
    return engine.getPeerHost() == null ? "an unknown address" : engine.getPeerHost() + ":" + engine.getPeerPort();
  }
}
