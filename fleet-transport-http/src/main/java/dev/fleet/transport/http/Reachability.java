package dev.fleet.transport.http;

import dev.fleet.MachineId;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Says once, in words a person can act on, that an agent cannot reach its coordinator (and why: refused, timed
 * out, unknown host, a TLS handshake that failed), and once that it reached it again; the retries in between
 * are logged only at DEBUG.
 *
 * <p>Confined to the agent's control thread.
 */
final class Reachability {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());

  private final MachineId machine;
  private final URI coordinator;
  private boolean lost;

  Reachability(MachineId machine, URI coordinator) {
    this.machine = machine;
    this.coordinator = coordinator;
  }

  /** A request got no answer ({@code err}) or an answer that says the coordinator cannot serve it now. */
  void failed(Throwable err) {
    if (lost) {
      LOG.log(Level.DEBUG, () -> machine + ": still cannot reach the coordinator at " + coordinator + ": "
          + describe(err));
      return;
    }
    lost = true;
    String why = describe(err);
    if (err instanceof FleetHttpException) {
      // It answered, so it is there; it cannot serve the request now (overloaded, its journal failed).
      LOG.log(Level.WARNING, machine + ": the coordinator at " + coordinator + " answered " + why + "; retrying");
      return;
    }
    String then = isTls(err) ? "; check that the agent trusts the coordinator's certificate (--trust) and that "
        + "the URL's scheme and port are the coordinator's; retrying" : "; is `fleet coordinator` running? retrying";
    LOG.log(Level.WARNING, machine + ": cannot reach the coordinator at " + coordinator + ": " + why + then);
  }

  /** An answer came: if the coordinator was lost, say it is back. */
  void reached() {
    if (lost) {
      lost = false;
      LOG.log(Level.INFO, machine + ": reached the coordinator at " + coordinator + " again");
    }
  }

  boolean lost() {
    return lost;
  }

  /**
   * What went wrong with a request, in a few words: "connection refused", "timed out after ...", "TLS handshake
   * failed: ...", or the HTTP status and detail of a problem answer. Never "null".
   */
  static String describe(Throwable err) {
    if (err instanceof FleetHttpException f) {
      return "HTTP " + f.status() + (f.detail().isEmpty() ? "" : ": " + f.detail());
    }
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof SSLHandshakeException) {
        return "TLS handshake failed: " + message(t);
      }
      if (t instanceof SSLException) {
        return "TLS failed: " + message(t);
      }
      if (t instanceof HttpConnectTimeoutException) {
        return "timed out connecting";
      }
      if (t instanceof HttpTimeoutException) {
        return "no answer in time";
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        String m = t.getMessage();
        return m == null || m.isBlank() || m.equalsIgnoreCase("Connection refused") ? "connection refused"
            : m.toLowerCase(java.util.Locale.ROOT);
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "unknown host" + (t.getMessage() == null ? "" : " " + t.getMessage());
      }
    }
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof IOException && t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return err == null ? "no answer" : err.getClass().getSimpleName()
        + (err.getMessage() == null ? "" : ": " + err.getMessage());
  }

  private static boolean isTls(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
