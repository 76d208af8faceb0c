package dev.fleet.transport.http.internal;

import java.util.Locale;

/**
 * The route table of the {@code /v1} API: which {@link Endpoint} a method and path name, with the path's
 * parameter (a task or machine id). A path no endpoint lives at is a 404; a known path with the wrong method is
 * a 405 that names the methods allowed.
 *
 * <p>Stateless and thread-safe.
 */
final class Routes {
  private Routes() {}

  /** A matched endpoint with its path parameter, null where the path has none. */
  record Route(Endpoint endpoint, String param) {}

  static Route route(String method, String path) {
    if (path.equals("/metrics")) {
      return only(method.toUpperCase(Locale.ROOT), "GET", Endpoint.METRICS, null);
    }
    if (!path.startsWith("/v1/")) {
      throw Problem.notFound("no-such-endpoint", "no endpoint at " + WireMapping.abbreviate(path)
          + "; the API lives under /v1/");
    }
    String[] s = path.substring(4).split("/", -1);
    String m = method.toUpperCase(Locale.ROOT);
    switch (s.length) {
      case 1 -> {
        switch (s[0]) {
          case "ping": return only(m, "GET", Endpoint.PING, null);
          case "coordinators": return only(m, "GET", Endpoint.COORDINATORS, null);
          case "join": return only(m, "POST", Endpoint.JOIN, null);
          case "heartbeat": return only(m, "POST", Endpoint.HEARTBEAT, null);
          case "results": return only(m, "POST", Endpoint.RESULTS, null);
          case "started": return only(m, "POST", Endpoint.STARTED_BATCH, null);
          case "assignments": return only(m, "GET", Endpoint.POLL, null);
          case "sleep": return only(m, "POST", Endpoint.SLEEP, null);
          case "leave": return only(m, "POST", Endpoint.LEAVE, null);
          case "tasks":
            if (m.equals("GET")) {
              return new Route(Endpoint.LIST_TASKS, null);
            }
            return only(m, "POST", Endpoint.SUBMIT, null, "GET");
          case "events": return only(m, "GET", Endpoint.EVENTS, null);
          case "machines": return only(m, "GET", Endpoint.MACHINES, null);
          case "queue": return only(m, "GET", Endpoint.QUEUE, null);
          case "rules": return only(m, "GET", Endpoint.RULES, null);
          case "backup": return only(m, "GET", Endpoint.BACKUP, null);
          case "join-token":
            if (m.equals("POST")) {
              return new Route(Endpoint.ROTATE_JOIN_TOKEN, null);
            }
            return only(m, "DELETE", Endpoint.REVOKE_JOIN_TOKEN, null, "POST");
          case "join-tokens":
            if (m.equals("GET")) {
              return new Route(Endpoint.JOIN_TOKENS, null);
            }
            return only(m, "POST", Endpoint.CREATE_JOIN_TOKEN, null, "GET");
          case "approvals": return only(m, "GET", Endpoint.APPROVALS, null);
          case "registry":
            if (m.equals("GET")) {
              return new Route(Endpoint.REGISTRY, null);
            }
            return only(m, "POST", Endpoint.IMPORT_REGISTRY, null, "GET");
          case "capacity": return only(m, "GET", Endpoint.CAPACITY, null);
          default: break;
        }
      }
      case 2 -> {
        if (s[0].equals("health") && (s[1].equals("live") || s[1].equals("ready"))) {
          return only(m, "GET", s[1].equals("live") ? Endpoint.HEALTH_LIVE : Endpoint.HEALTH_READY, null);
        }
        if (s[0].equals("capacity") && s[1].equals("what-if")) {
          return only(m, "POST", Endpoint.CAPACITY_WHAT_IF, null);
        }
        if (s[0].equals("tasks") && !s[1].isEmpty()) {
          return only(m, "GET", Endpoint.TASK, s[1]);
        }
        if (s[0].equals("join-tokens") && !s[1].isEmpty()) {
          return only(m, "DELETE", Endpoint.REVOKE_SCOPED_JOIN_TOKEN, s[1]);
        }
        if (s[0].equals("approvals") && !s[1].isEmpty()) {
          if (m.equals("POST")) {
            return new Route(Endpoint.APPROVE, s[1]);
          }
          return only(m, "DELETE", Endpoint.DISMISS_CLAIM, s[1], "POST");
        }
        if (s[0].equals("machines") && !s[1].isEmpty()) {
          if (m.equals("GET")) {
            return new Route(Endpoint.MACHINE, s[1]);
          }
          return only(m, "DELETE", Endpoint.REMOVE_MACHINE, s[1], "GET");
        }
      }
      case 3 -> {
        if (s[0].equals("tasks") && !s[1].isEmpty()) {
          switch (s[2]) {
            case "started": return only(m, "POST", Endpoint.STARTED, s[1]);
            case "result": return only(m, "POST", Endpoint.RESULT, s[1]);
            case "cancel": return only(m, "POST", Endpoint.CANCEL, s[1]);
            case "reroute": return only(m, "POST", Endpoint.REROUTE, s[1]);
            case "explanation": return only(m, "GET", Endpoint.EXPLAIN, s[1]);
            case "output": return only(m, "GET", Endpoint.OUTPUT, s[1]);
            default: break;
          }
        }
        if (s[0].equals("machines") && !s[1].isEmpty()) {
          switch (s[2]) {
            case "drain": return only(m, "POST", Endpoint.DRAIN, s[1]);
            case "undrain": return only(m, "POST", Endpoint.UNDRAIN, s[1]);
            default: break;
          }
        }
      }
      default -> { }
    }
    throw Problem.notFound("no-such-endpoint", "no endpoint at " + WireMapping.abbreviate(path));
  }

  private static Route only(String method, String allowed, Endpoint endpoint, String param, String... alsoAllowed) {
    if (method.equals(allowed)) {
      return new Route(endpoint, param);
    }
    String allow = alsoAllowed.length == 0 ? allowed : allowed + ", " + String.join(", ", alsoAllowed);
    throw new Problem(405, "method-not-allowed", method + " is not allowed here; use " + allow + " (Allow: " + allow
        + ")");
  }
}
