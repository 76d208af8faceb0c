package dev.fleet.transport.http.internal;

import dev.fleet.transport.http.model.CoordinatorsUnreachableException;
import dev.fleet.transport.http.model.FleetHttpException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Why a request to a coordinator failed, in a few words, for logs and for the list of coordinators tried.
 *
 * <p>Thread-safe: stateless.
 */
public final class Failures {
  private Failures() {}

  /**
   * What went wrong with a request, in a few words: "connection refused", "timed out after ...", "TLS handshake
   * failed: ...", or the HTTP status and detail of a problem answer. Never "null".
   */
  public static String describe(Throwable err) {
    if (err instanceof CoordinatorsUnreachableException u) {
      return String.join("; ", u.tried());
    }
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

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
