package dev.fleet.transport.http.internal;

import java.util.List;

/**
 * Every endpoint of the HTTP API: the name it goes by in error messages, its method and path, who may call it,
 * what body it takes, and whether it is short enough to run on the thread that read the request. The server's
 * {@link Routes} maps a method and path to one; the client, the agent and the event follower build the paths
 * they call with {@link #path(String...)}, so a route is named in this one place.
 *
 * <p>Immutable and thread-safe.
 */
public enum Endpoint {
PING("ping", "GET", "/v1/ping", Who.ANYONE, Body.NONE, true),
COORDINATORS("coordinators", "GET", "/v1/coordinators", Who.ANYONE, Body.NONE, true),
JOIN("join", "POST", "/v1/join", Who.JOINER_OR_MACHINE, Body.REQUIRED, false),
HEARTBEAT("heartbeat", "POST", "/v1/heartbeat", Who.MACHINE, Body.REQUIRED, true),
POLL("poll", "GET", "/v1/assignments", Who.MACHINE, Body.NONE, true),
STARTED("started", "POST", "/v1/tasks/{task}/started", Who.MACHINE, Body.REQUIRED, true),
STARTED_BATCH("started-batch", "POST", "/v1/started", Who.MACHINE, Body.REQUIRED, true),
RESULT("result", "POST", "/v1/tasks/{task}/result", Who.MACHINE, Body.REQUIRED, true),
RESULTS("results", "POST", "/v1/results", Who.MACHINE, Body.REQUIRED, true),
SLEEP("sleep", "POST", "/v1/sleep", Who.MACHINE, Body.OPTIONAL, true),
LEAVE("leave", "POST", "/v1/leave", Who.MACHINE, Body.REQUIRED, false),
SUBMIT("submit", "POST", "/v1/tasks", Who.ADMIN, Body.REQUIRED, false),
LIST_TASKS("list-tasks", "GET", "/v1/tasks", Who.ADMIN, Body.NONE, false),
TASK("task", "GET", "/v1/tasks/{task}", Who.ADMIN_OR_MACHINE, Body.NONE, false),
OUTPUT("output", "GET", "/v1/tasks/{task}/output", Who.ADMIN, Body.NONE, false),
EVENTS("events", "GET", "/v1/events", Who.ADMIN, Body.NONE, false),
CANCEL("cancel", "POST", "/v1/tasks/{task}/cancel", Who.ADMIN, Body.OPTIONAL, false),
REROUTE("reroute", "POST", "/v1/tasks/{task}/reroute", Who.ADMIN, Body.REQUIRED, false),
EXPLAIN("explain", "GET", "/v1/tasks/{task}/explanation", Who.ADMIN, Body.NONE, false),
MACHINES("machines", "GET", "/v1/machines", Who.ADMIN, Body.NONE, false),
MACHINE("machine", "GET", "/v1/machines/{machine}", Who.ADMIN_OR_MACHINE, Body.NONE, false),
REMOVE_MACHINE("remove-machine", "DELETE", "/v1/machines/{machine}", Who.ADMIN, Body.NONE, false),
DRAIN("drain", "POST", "/v1/machines/{machine}/drain", Who.ADMIN, Body.OPTIONAL, false),
UNDRAIN("undrain", "POST", "/v1/machines/{machine}/undrain", Who.ADMIN, Body.OPTIONAL, false),
QUEUE("queue", "GET", "/v1/queue", Who.ADMIN, Body.NONE, false),
RULES("rules", "GET", "/v1/rules", Who.ADMIN, Body.NONE, false),
ROTATE_JOIN_TOKEN("rotate-join-token", "POST", "/v1/join-token", Who.ADMIN, Body.OPTIONAL, false),
REVOKE_JOIN_TOKEN("revoke-join-token", "DELETE", "/v1/join-token", Who.ADMIN, Body.NONE, false),
BACKUP("backup", "GET", "/v1/backup", Who.ADMIN, Body.NONE, false),
CREATE_JOIN_TOKEN("create-join-token", "POST", "/v1/join-tokens", Who.ADMIN, Body.REQUIRED, false),
JOIN_TOKENS("join-tokens", "GET", "/v1/join-tokens", Who.ADMIN, Body.NONE, false),
REVOKE_SCOPED_JOIN_TOKEN("revoke-scoped-join-token", "DELETE", "/v1/join-tokens/{name}", Who.ADMIN, Body.NONE, false),
APPROVALS("approvals", "GET", "/v1/approvals", Who.ADMIN, Body.NONE, false),
APPROVE("approve", "POST", "/v1/approvals/{machine}", Who.ADMIN, Body.OPTIONAL, false),
DISMISS_CLAIM("dismiss-claim", "DELETE", "/v1/approvals/{machine}", Who.ADMIN, Body.NONE, false),
REGISTRY("registry", "GET", "/v1/registry", Who.ADMIN, Body.NONE, false),
IMPORT_REGISTRY("import-registry", "POST", "/v1/registry", Who.ADMIN, Body.REQUIRED, false),
  // Anyone may ask; /metrics checks the metrics token itself (OpsEndpoints), as no principal holds it.
METRICS("metrics", "GET", "/metrics", Who.ANYONE, Body.NONE, false),
HEALTH_LIVE("health-live", "GET", "/v1/health/live", Who.ANYONE, Body.NONE, true),
HEALTH_READY("health-ready", "GET", "/v1/health/ready", Who.ANYONE, Body.NONE, true),
CAPACITY("capacity", "GET", "/v1/capacity", Who.ADMIN, Body.NONE, false),
CAPACITY_WHAT_IF("capacity-what-if", "POST", "/v1/capacity/what-if", Who.ADMIN, Body.REQUIRED, false);

  /** Who may call an endpoint. */
  enum Who { ANYONE, JOINER_OR_MACHINE, MACHINE, ADMIN, ADMIN_OR_MACHINE }

  /** What an endpoint expects in its body. */
  enum Body { NONE, REQUIRED, OPTIONAL }

  private final String label;
  private final String method;
  private final String template;
  private final List<String> segments;
  private final Who who;
  private final Body body;
  private final boolean inline;

  Endpoint(String label, String method, String template, Who who, Body body, boolean inline) {
    this.label = label;
    this.method = method;
    this.template = template;
    this.segments = List.of(template.substring(1).split("/"));
    this.who = who;
    this.body = body;
    this.inline = inline;
  }

  /** The name error messages call it by. */
  String label() {
    return label;
  }

  /** The HTTP method it answers, upper case. */
  public String method() {
    return method;
  }

  /** Its path with a {@code {name}} segment for each parameter, e.g. {@code /v1/tasks/{task}/started}. */
  public String template() {
    return template;
  }

  /**
   * Its path relative to a coordinator's base URL (no leading slash), with {@code params} in place of the
   * template's parameter segments, in order. Each is put in as given: a caller that takes ids from users
   * encodes them first.
   *
   * @throws IllegalArgumentException if the number of params is not the number of parameter segments
   */
  public String path(String... params) {
    StringBuilder out = new StringBuilder();
    int next = 0;
    for (String segment : segments) {
      if (out.length() > 0) {
        out.append('/');
      }
      if (isParam(segment)) {
        if (next == params.length) {
          throw new IllegalArgumentException(this + " takes more than " + params.length + " parameters: " + template);
        }
        out.append(params[next++]);
      } else {
        out.append(segment);
      }
    }
    if (next != params.length) {
      throw new IllegalArgumentException(this + " takes " + next + " parameters, not " + params.length + ": "
          + template);
    }
    return out.toString();
  }

  /**
   * Whether a request path, split at {@code /} after its leading slash, is this endpoint's path; a parameter
   * segment matches any non-empty one.
   */
  boolean matches(String[] path) {
    if (path.length != segments.size()) {
      return false;
    }
    for (int i = 0; i < path.length; i++) {
      String segment = segments.get(i);
      if (isParam(segment) ? path[i].isEmpty() : !segment.equals(path[i])) {
        return false;
      }
    }
    return true;
  }

  /** The request path's parameter segment (the first, as no endpoint has two), or null where it has none. */
  String param(String[] path) {
    for (int i = 0; i < segments.size(); i++) {
      if (isParam(segments.get(i))) {
        return path[i];
      }
    }
    return null;
  }

  private static boolean isParam(String segment) {
    return segment.startsWith("{");
  }

  Who who() {
    return who;
  }

  Body body() {
    return body;
  }

  /** Whether it is short and never waits, so it runs on the thread that read the request. */
  boolean inline() {
    return inline;
  }

  /** Whether it is one of the agents' own, served by {@link MachineEndpoints}; a machine's reads are not. */
  boolean forAgents() {
    return who == Who.JOINER_OR_MACHINE || who == Who.MACHINE;
  }
}
