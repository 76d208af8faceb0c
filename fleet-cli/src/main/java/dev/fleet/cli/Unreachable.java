package dev.fleet.cli;

import dev.fleet.transport.http.model.FleetHttpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Words for the two ways a request to a coordinator fails: no answer (refused, unknown host, timed out, TLS), and
 * an answer that refuses (401, 404, 429, 5xx), each with what a person can do about it.
 *
 * <p>Thread-safe: stateless.
 */
final class Unreachable {
  private Unreachable() {}

  /** Why no answer came, with advice; empty if the failure is not a network one. */
  static Optional<String> reason(Throwable e) {
    if (!isRequestFailure(e)) {
      return Optional.empty();
    }
    if (CommandErrors.find(e, HttpConnectTimeoutException.class).isPresent()) {
      return Optional.of("no connection within the timeout; is the address right, and is the port open to this "
          + "machine?");
    }
    if (CommandErrors.find(e, HttpTimeoutException.class).isPresent()) {
      return Optional.of("no answer within the timeout; the coordinator may be overloaded or stuck (its log says "
          + "more)");
    }
    if (CommandErrors.find(e, UnresolvedAddressException.class).isPresent()
        || CommandErrors.find(e, UnknownHostException.class).isPresent()) {
      return Optional.of("unknown host; check the URL's host name");
    }
    Optional<ConnectException> refused = CommandErrors.find(e, ConnectException.class);
    if (refused.isPresent()) {
      String m = refused.get().getMessage();
      return Optional.of((m == null || m.isBlank() ? "connection refused" : m.toLowerCase(java.util.Locale.ROOT))
          + "; is `fleet coordinator` running?");
    }
    Optional<SSLHandshakeException> handshake = CommandErrors.find(e, SSLHandshakeException.class);
    if (handshake.isPresent()) {
      return Optional.of("the TLS handshake failed: " + handshake.get().getMessage() + "; if the coordinator uses "
          + "its own certificate, "
          + "trust its certificate with --trust FILE (from `fleet coordinator export-cert`)");
    }
    Optional<SSLException> tls = CommandErrors.find(e, SSLException.class);
    if (tls.isPresent()) {
      return Optional.of("TLS failed: " + tls.get().getMessage() + "; does the URL's scheme match the coordinator "
          + "(https only if it was started with --tls-keystore)?");
    }
    Throwable io = CommandErrors.find(e, IOException.class).map(Throwable.class::cast).orElse(e);
    return Optional.of(CommandErrors.summary(io) + "; does the URL's scheme match the coordinator (https only if "
        + "it was started with --tls-keystore)?");
  }

  /** A request that got no answer: the HTTP client's wrapper, or a network exception anywhere in the chain. */
  private static boolean isRequestFailure(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof UncheckedIOException u && u.getMessage() != null && u.getMessage().startsWith("request to ")) {
        return true;
      }
      if (c instanceof HttpTimeoutException || c instanceof ConnectException || c instanceof SSLException
          || c instanceof UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }

  /** What a refusal means, with advice. */
  static String refused(FleetHttpException e, Optional<CommandErrors.Target> target) {
    String at = target.map(t -> " at " + t.address().display()).orElse("");
    int status = e.status();
    String kind = e.kind();
    if (status == 401) {
      return "the coordinator" + at + " refused " + target.map(CommandErrors.Target::credential)
          .orElse("the credential") + ": " + e.detail() + target.map(t -> "; " + t.fix()).orElse("");
    }
    if (status == 403) {
      return "the coordinator" + at + " forbids it: " + e.detail();
    }
    if (status == 404 && (kind.equals("unknown-task") || kind.equals("unknown-machine"))) {
      return "the coordinator" + at + " says: " + e.detail() + "; `fleet status` lists the machines and the queue";
    }
    if (status == 404 && (kind.equals("no-claim") || kind.equals("unknown-join-token"))) {
      return "the coordinator" + at + " says: " + e.detail();
    }
    if (status == 404) {
      return "the server" + at + " has no such endpoint (" + e.detail() + "); is it a fleet coordinator of this "
          + "version?";
    }
    if (status == 429) {
      return "the coordinator" + at + " asks to slow down: " + e.detail() + "; try again in a moment";
    }
    if (status >= 500) {
      return "the coordinator" + at + " failed: HTTP " + status + " (" + kind + "): " + e.detail()
          + "; its log says why";
    }
    return "the coordinator" + at + " refused: HTTP " + status + " (" + kind + "): " + e.detail();
  }
}
