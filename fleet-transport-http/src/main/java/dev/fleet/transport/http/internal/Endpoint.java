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
  /** {@code GET /v1/ping}, for anyone, with no body. */
  PING("ping", "GET", "/v1/ping", Who.ANYONE, Body.NONE, true),
  /** {@code GET /v1/coordinators}, for anyone, with no body. */
  COORDINATORS("coordinators", "GET", "/v1/coordinators", Who.ANYONE, Body.NONE, true),
  /** {@code POST /v1/join}, for a joining machine or a machine, with a JSON body. */
  JOIN("join", "POST", "/v1/join", Who.JOINER_OR_MACHINE, Body.REQUIRED, false),
  /** {@code POST /v1/heartbeat}, for a machine, with a JSON body. */
  HEARTBEAT("heartbeat", "POST", "/v1/heartbeat", Who.MACHINE, Body.REQUIRED, true),
  /** {@code GET /v1/assignments}, for a machine, with no body. */
  POLL("poll", "GET", "/v1/assignments", Who.MACHINE, Body.NONE, true),
  /** {@code POST /v1/tasks/{task}/started}, for a machine, with a JSON body. */
  STARTED("started", "POST", "/v1/tasks/{task}/started", Who.MACHINE, Body.REQUIRED, true),
  /** {@code POST /v1/started}, for a machine, with a JSON body. */
  STARTED_BATCH("started-batch", "POST", "/v1/started", Who.MACHINE, Body.REQUIRED, true),
  /** {@code POST /v1/tasks/{task}/result}, for a machine, with a JSON body. */
  RESULT("result", "POST", "/v1/tasks/{task}/result", Who.MACHINE, Body.REQUIRED, true),
  /** {@code POST /v1/results}, for a machine, with a JSON body. */
  RESULTS("results", "POST", "/v1/results", Who.MACHINE, Body.REQUIRED, true),
  /** {@code POST /v1/sleep}, for a machine, with an optional JSON body. */
  SLEEP("sleep", "POST", "/v1/sleep", Who.MACHINE, Body.OPTIONAL, true),
  /** {@code POST /v1/leave}, for a machine, with a JSON body. */
  LEAVE("leave", "POST", "/v1/leave", Who.MACHINE, Body.REQUIRED, false),
  /** {@code POST /v1/tasks}, for the operator's client, with a JSON body. */
  SUBMIT("submit", "POST", "/v1/tasks", Who.ADMIN, Body.REQUIRED, false),
  /** {@code GET /v1/tasks}, for the operator's client, with no body. */
  LIST_TASKS("list-tasks", "GET", "/v1/tasks", Who.ADMIN, Body.NONE, false),
  /** {@code GET /v1/tasks/{task}}, for the operator's client or a machine, with no body. */
  TASK("task", "GET", "/v1/tasks/{task}", Who.ADMIN_OR_MACHINE, Body.NONE, false),
  /** {@code GET /v1/tasks/{task}/output}, for the operator's client, with no body. */
  OUTPUT("output", "GET", "/v1/tasks/{task}/output", Who.ADMIN, Body.NONE, false),
  /** {@code GET /v1/events}, for the operator's client, with no body. */
  EVENTS("events", "GET", "/v1/events", Who.ADMIN, Body.NONE, false),
  /** {@code POST /v1/tasks/{task}/cancel}, for the operator's client, with an optional JSON body. */
  CANCEL("cancel", "POST", "/v1/tasks/{task}/cancel", Who.ADMIN, Body.OPTIONAL, false),
  /** {@code POST /v1/tasks/{task}/reroute}, for the operator's client, with a JSON body. */
  REROUTE("reroute", "POST", "/v1/tasks/{task}/reroute", Who.ADMIN, Body.REQUIRED, false),
  /** {@code GET /v1/tasks/{task}/explanation}, for the operator's client, with no body. */
  EXPLAIN("explain", "GET", "/v1/tasks/{task}/explanation", Who.ADMIN, Body.NONE, false),
  /** {@code GET /v1/machines}, for the operator's client, with no body. */
  MACHINES("machines", "GET", "/v1/machines", Who.ADMIN, Body.NONE, false),
  /** {@code GET /v1/machines/{machine}}, for the operator's client or a machine, with no body. */
  MACHINE("machine", "GET", "/v1/machines/{machine}", Who.ADMIN_OR_MACHINE, Body.NONE, false),
  /** {@code DELETE /v1/machines/{machine}}, for the operator's client, with no body. */
  REMOVE_MACHINE("remove-machine", "DELETE", "/v1/machines/{machine}", Who.ADMIN, Body.NONE, false),
  /** {@code POST /v1/machines/{machine}/drain}, for the operator's client, with an optional JSON body. */
  DRAIN("drain", "POST", "/v1/machines/{machine}/drain", Who.ADMIN, Body.OPTIONAL, false),
  /** {@code POST /v1/machines/{machine}/undrain}, for the operator's client, with an optional JSON body. */
  UNDRAIN("undrain", "POST", "/v1/machines/{machine}/undrain", Who.ADMIN, Body.OPTIONAL, false),
  /** {@code GET /v1/queue}, for the operator's client, with no body. */
  QUEUE("queue", "GET", "/v1/queue", Who.ADMIN, Body.NONE, false),
  /** {@code GET /v1/rules}, for the operator's client, with no body. */
  RULES("rules", "GET", "/v1/rules", Who.ADMIN, Body.NONE, false),
  /** {@code POST /v1/join-token}, for the operator's client, with an optional JSON body. */
  ROTATE_JOIN_TOKEN("rotate-join-token", "POST", "/v1/join-token", Who.ADMIN, Body.OPTIONAL, false),
  /** {@code DELETE /v1/join-token}, for the operator's client, with no body. */
  REVOKE_JOIN_TOKEN("revoke-join-token", "DELETE", "/v1/join-token", Who.ADMIN, Body.NONE, false),
  /** {@code GET /v1/backup}, for the operator's client, with no body. */
  BACKUP("backup", "GET", "/v1/backup", Who.ADMIN, Body.NONE, false),
  /** {@code POST /v1/join-tokens}, for the operator's client, with a JSON body. */
  CREATE_JOIN_TOKEN("create-join-token", "POST", "/v1/join-tokens", Who.ADMIN, Body.REQUIRED, false),
  /** {@code GET /v1/join-tokens}, for the operator's client, with no body. */
  JOIN_TOKENS("join-tokens", "GET", "/v1/join-tokens", Who.ADMIN, Body.NONE, false),
  /** {@code DELETE /v1/join-tokens/{name}}, for the operator's client, with no body. */
  REVOKE_SCOPED_JOIN_TOKEN("revoke-scoped-join-token", "DELETE", "/v1/join-tokens/{name}", Who.ADMIN, Body.NONE, false),
  /** {@code GET /v1/approvals}, for the operator's client, with no body. */
  APPROVALS("approvals", "GET", "/v1/approvals", Who.ADMIN, Body.NONE, false),
  /** {@code POST /v1/approvals/{machine}}, for the operator's client, with an optional JSON body. */
  APPROVE("approve", "POST", "/v1/approvals/{machine}", Who.ADMIN, Body.OPTIONAL, false),
  /** {@code DELETE /v1/approvals/{machine}}, for the operator's client, with no body. */
  DISMISS_CLAIM("dismiss-claim", "DELETE", "/v1/approvals/{machine}", Who.ADMIN, Body.NONE, false),
  /** {@code GET /v1/registry}, for the operator's client, with no body. */
  REGISTRY("registry", "GET", "/v1/registry", Who.ADMIN, Body.NONE, false),
  /** {@code POST /v1/registry}, for the operator's client, with a JSON body. */
  IMPORT_REGISTRY("import-registry", "POST", "/v1/registry", Who.ADMIN, Body.REQUIRED, false),
  // Anyone may ask; /metrics checks the metrics token itself (OpsEndpoints), as no principal holds it.
  /** {@code GET /metrics}, for anyone, with no body. */
  METRICS("metrics", "GET", "/metrics", Who.ANYONE, Body.NONE, false),
  /** {@code GET /v1/health/live}, for anyone, with no body. */
  HEALTH_LIVE("health-live", "GET", "/v1/health/live", Who.ANYONE, Body.NONE, true),
  /** {@code GET /v1/health/ready}, for anyone, with no body. */
  HEALTH_READY("health-ready", "GET", "/v1/health/ready", Who.ANYONE, Body.NONE, true),
  /** {@code GET /v1/capacity}, for the operator's client, with no body. */
  CAPACITY("capacity", "GET", "/v1/capacity", Who.ADMIN, Body.NONE, false),
  /** {@code POST /v1/capacity/what-if}, for the operator's client, with a JSON body. */
  CAPACITY_WHAT_IF("capacity-what-if", "POST", "/v1/capacity/what-if", Who.ADMIN, Body.REQUIRED, false);

  /** Who may call an endpoint. */
  enum Who {
    /** No credential needed. */
    ANYONE,
    /** A join token (the fleet's or a scoped one), or the machine's own credential. */
    JOINER_OR_MACHINE,
    /** A machine's credential; the machine is the caller. */
    MACHINE,
    /** The client (admin) token. */
    ADMIN,
    /** The client token, or a machine's credential for what concerns that machine. */
    ADMIN_OR_MACHINE
  }

  /** What an endpoint expects in its body. */
  enum Body {
    /** No body; one sent is refused. */
    NONE,
    /** A JSON body. */
    REQUIRED,
    /** A JSON body, or none. */
    OPTIONAL
  }

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

  /**
   * The name error messages call it by.
   *
   * @return e.g. {@code heartbeat}
   */
  String label() {
    return label;
  }

  /**
   * The HTTP method it answers.
   *
   * @return the method, upper case
   */
  public String method() {
    return method;
  }

  /**
   * Its path with a {@code {name}} segment for each parameter.
   *
   * @return e.g. {@code /v1/tasks/{task}/started}
   */
  public String template() {
    return template;
  }

  /**
   * Its path relative to a coordinator's base URL (no leading slash), with {@code params} in place of the
   * template's parameter segments, in order. Each is put in as given: a caller that takes ids from users
   * encodes them first.
   *
   * @param params one per parameter segment
   * @return e.g. {@code v1/tasks/t1/started}
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
   * Whether a request path is this endpoint's path; a parameter segment matches any non-empty one.
   *
   * @param path the request path split at {@code /} after its leading slash
   * @return true if it is this endpoint's path
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

  /**
   * The request path's parameter segment (the first, as no endpoint has two).
   *
   * @param path a request path this endpoint {@link #matches}, split as there
   * @return the parameter, or null where the endpoint has none
   */
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

  /**
   * Who may call it.
   *
   * @return whose credential it needs
   */
  Who who() {
    return who;
  }

  /**
   * What it expects in its body.
   *
   * @return none, required or optional
   */
  Body body() {
    return body;
  }

  /**
   * Whether it is short and never waits, so it runs on the thread that read the request.
   *
   * @return true for the quick ones
   */
  boolean inline() {
    return inline;
  }

  /**
   * Whether it is one of the agents' own, served by {@link MachineEndpoints}; a machine's reads are not.
   *
   * @return true for the endpoints a joining machine or a machine calls
   */
  boolean forAgents() {
    return who == Who.JOINER_OR_MACHINE || who == Who.MACHINE;
  }
}
