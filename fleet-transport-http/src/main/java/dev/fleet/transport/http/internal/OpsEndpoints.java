package dev.fleet.transport.http.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The operators' endpoints: {@code GET /metrics} (Prometheus text, for the metrics token only),
 * {@code GET /v1/health/live} (200 while the process serves) and {@code GET /v1/health/ready} (200 when the
 * coordinator takes work, 503 with the reason when not).
 *
 * <p>Thread-safe: stateless beyond its immutable {@link Operations}.
 */
final class OpsEndpoints {
  /** The Prometheus text exposition format, version 0.0.4: what every Prometheus scrapes. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private final Operations ops;
  private final byte[] token;

  OpsEndpoints(Operations ops) {
    this.ops = ops;
    this.token = ops.metricsToken() == null ? null : ops.metricsToken().getBytes(StandardCharsets.UTF_8);
  }

  static boolean serves(Endpoint e) {
    return e == Endpoint.METRICS || e == Endpoint.HEALTH_LIVE || e == Endpoint.HEALTH_READY;
  }

  void handle(Routes.Route route, Request request, Response response, Callback callback) {
    switch (route.endpoint()) {
      case HEALTH_LIVE -> Responses.json(response, callback, 200, Map.of("status", "live"));
      case HEALTH_READY -> {
        Optional<String> why = ops.notReady().get();
        if (why.isPresent()) {
          throw new Problem(503, "not-ready", "not ready: " + why.get(), 1);
        }
        Responses.json(response, callback, 200, Map.of("status", "ready"));
      }
      case METRICS -> metrics(request, response, callback);
      default -> throw new IllegalStateException("not an operators' endpoint: " + route.endpoint());
    }
  }

  private void metrics(Request request, Response response, Callback callback) {
    if (token == null) {
      throw Problem.notFound("no-such-endpoint", "this coordinator serves no metrics (fleet coordinator serves "
          + "them with the metrics-token of its state directory)");
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw Problem.unauthorized("metrics need the metrics token: send 'Authorization: Bearer <metrics-token>'");
    }
    byte[] shown = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(shown, token)) {
      throw Problem.unauthorized("that is not the metrics token");
    }
    byte[] body = ops.metricsText().get().getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROMETHEUS_TEXT);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
