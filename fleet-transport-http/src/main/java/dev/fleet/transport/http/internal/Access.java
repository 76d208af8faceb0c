package dev.fleet.transport.http.internal;

import dev.fleet.transport.http.internal.Credentials.Admin;
import dev.fleet.transport.http.internal.Credentials.Joiner;
import dev.fleet.transport.http.internal.Credentials.MachinePrincipal;
import dev.fleet.transport.http.internal.Credentials.Principal;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Who is calling and whether they may: reads the bearer credential of a request (401 when it is missing or not
 * valid) and checks the caller against the {@link Endpoint.Who} of the endpoint (403 when it may not call it).
 *
 * <p>Thread-safe: its only state is the thread-safe {@link Credentials}.
 */
final class Access {
  private final Credentials credentials;

  Access(Credentials credentials) {
    this.credentials = credentials;
  }

  /** The caller, or null for an endpoint anyone may call. */
  Principal authenticate(Request request, Endpoint endpoint) {
    if (endpoint.who() == Endpoint.Who.ANYONE) {
      return null;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null) {
      throw Problem.unauthorized("this endpoint needs a credential: send 'Authorization: Bearer <credential>'");
    }
    if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw Problem.unauthorized("the Authorization header must read 'Bearer <credential>'");
    }
    return credentials.authenticate(bearer(request)).orElseThrow(() -> Problem.unauthorized(
        "the credential is not valid: unknown, revoked, or from before the machine was removed"));
  }

  /** The credential a request presents, once {@link #authenticate} accepted it. */
  static String bearer(Request request) {
    return request.getHeaders().get(HttpHeader.AUTHORIZATION).substring(7).trim();
  }

  static void authorize(Endpoint endpoint, Principal who) {
    boolean ok = switch (endpoint.who()) {
      case ANYONE -> true;
      case JOINER_OR_MACHINE -> who instanceof Joiner || who instanceof MachinePrincipal;
      case MACHINE -> who instanceof MachinePrincipal;
      case ADMIN -> who instanceof Admin;
      case ADMIN_OR_MACHINE -> who instanceof Admin || who instanceof MachinePrincipal;
    };
    if (!ok) {
      String needs = switch (endpoint.who()) {
        case JOINER_OR_MACHINE -> "the join token or the machine's own credential";
        case MACHINE -> "a machine credential (from /v1/join)";
        case ADMIN, ADMIN_OR_MACHINE -> "the client credential";
        case ANYONE -> "nothing";
      };
      throw Problem.forbidden(endpoint.label() + " needs " + needs + "; " + describe(who) + " may not call it");
    }
  }

  private static String describe(Principal who) {
    if (who instanceof MachinePrincipal m) {
      return "machine '" + m.id() + "'";
    }
    return who instanceof Joiner ? "the join token" : "the client credential";
  }

  /** The caller's address as a log line or a rate-limit key names it. */
  static String address(Request request) {
    SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
    return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress()
        : String.valueOf(a);
  }
}
