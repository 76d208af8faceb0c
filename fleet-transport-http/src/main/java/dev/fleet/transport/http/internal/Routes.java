package dev.fleet.transport.http.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The route table of the HTTP API: which {@link Endpoint} a method and path name, with the path's parameter (a
 * task or machine id), matched against the endpoints' own paths. A path no endpoint lives at is a 404; a known path with the wrong method is
 * a 405 that names the methods allowed.
 *
 * <p>Stateless and thread-safe.
 */
final class Routes {
  private static final Endpoint[] ENDPOINTS = Endpoint.values();

  private Routes() {}

  /** A matched endpoint with its path parameter, null where the path has none. */
  record Route(Endpoint endpoint, String param) {}

  /**
   * The endpoint a request names.
   *
   * @param method the request's method, any case
   * @param path the request's path, e.g. {@code /v1/tasks/t1/cancel}
   * @return the endpoint, with the path's parameter
   * @throws Problem 404 where no endpoint lives at the path, 405 naming the methods allowed where one does
   */
  static Route route(String method, String path) {
    if (!path.startsWith("/v1/") && !path.equals(Endpoint.METRICS.template())) {
      throw Problem.notFound("no-such-endpoint", "no endpoint at " + WireMapping.abbreviate(path)
          + "; the API lives under /v1/");
    }
    String[] split = path.substring(1).split("/", -1);
    String m = method.toUpperCase(Locale.ROOT);
    List<String> allowed = new ArrayList<>();
    for (Endpoint e : ENDPOINTS) {
      if (e.matches(split)) {
        if (e.method().equals(m)) {
          return new Route(e, e.param(split));
        }
        allowed.add(e.method());
      }
    }
    if (allowed.isEmpty()) {
      throw Problem.notFound("no-such-endpoint", "no endpoint at " + WireMapping.abbreviate(path));
    }
    String allow = String.join(", ", allowed);
    throw new Problem(405, "method-not-allowed", method + " is not allowed here; use " + allow + " (Allow: " + allow
        + ")");
  }
}
