package dev.fleet.transport.http.internal;

/**
 * Every endpoint of the {@code /v1} API: the name it goes by in error messages, who may call it, what body it
 * takes, and whether it is short enough to run on the thread that read the request. {@link Routes} maps a method
 * and path to one.
 *
 * <p>Immutable and thread-safe.
 */
enum Endpoint {
  PING("ping", Who.ANYONE, Body.NONE, true),
  COORDINATORS("coordinators", Who.ANYONE, Body.NONE, true),
  JOIN("join", Who.JOINER_OR_MACHINE, Body.REQUIRED, false),
  HEARTBEAT("heartbeat", Who.MACHINE, Body.REQUIRED, true),
  POLL("poll", Who.MACHINE, Body.NONE, true),
  STARTED("started", Who.MACHINE, Body.REQUIRED, true),
  STARTED_BATCH("started-batch", Who.MACHINE, Body.REQUIRED, true),
  RESULT("result", Who.MACHINE, Body.REQUIRED, true),
  RESULTS("results", Who.MACHINE, Body.REQUIRED, true),
  SLEEP("sleep", Who.MACHINE, Body.OPTIONAL, true),
  LEAVE("leave", Who.MACHINE, Body.REQUIRED, false),
  SUBMIT("submit", Who.ADMIN, Body.REQUIRED, false),
  LIST_TASKS("list-tasks", Who.ADMIN, Body.NONE, false),
  TASK("task", Who.ADMIN_OR_MACHINE, Body.NONE, false),
  OUTPUT("output", Who.ADMIN, Body.NONE, false),
  EVENTS("events", Who.ADMIN, Body.NONE, false),
  CANCEL("cancel", Who.ADMIN, Body.OPTIONAL, false),
  REROUTE("reroute", Who.ADMIN, Body.REQUIRED, false),
  EXPLAIN("explain", Who.ADMIN, Body.NONE, false),
  MACHINES("machines", Who.ADMIN, Body.NONE, false),
  MACHINE("machine", Who.ADMIN_OR_MACHINE, Body.NONE, false),
  REMOVE_MACHINE("remove-machine", Who.ADMIN, Body.NONE, false),
  DRAIN("drain", Who.ADMIN, Body.OPTIONAL, false),
  UNDRAIN("undrain", Who.ADMIN, Body.OPTIONAL, false),
  QUEUE("queue", Who.ADMIN, Body.NONE, false),
  RULES("rules", Who.ADMIN, Body.NONE, false),
  ROTATE_JOIN_TOKEN("rotate-join-token", Who.ADMIN, Body.OPTIONAL, false),
  REVOKE_JOIN_TOKEN("revoke-join-token", Who.ADMIN, Body.NONE, false),
  BACKUP("backup", Who.ADMIN, Body.NONE, false),
  CREATE_JOIN_TOKEN("create-join-token", Who.ADMIN, Body.REQUIRED, false),
  JOIN_TOKENS("join-tokens", Who.ADMIN, Body.NONE, false),
  REVOKE_SCOPED_JOIN_TOKEN("revoke-scoped-join-token", Who.ADMIN, Body.NONE, false),
  APPROVALS("approvals", Who.ADMIN, Body.NONE, false),
  APPROVE("approve", Who.ADMIN, Body.OPTIONAL, false),
  DISMISS_CLAIM("dismiss-claim", Who.ADMIN, Body.NONE, false),
  REGISTRY("registry", Who.ADMIN, Body.NONE, false),
  IMPORT_REGISTRY("import-registry", Who.ADMIN, Body.REQUIRED, false),
  // Anyone may ask; /metrics checks the metrics token itself (OpsEndpoints), as no principal holds it.
  METRICS("metrics", Who.ANYONE, Body.NONE, false),
  HEALTH_LIVE("health-live", Who.ANYONE, Body.NONE, true),
  HEALTH_READY("health-ready", Who.ANYONE, Body.NONE, true),
  CAPACITY("capacity", Who.ADMIN, Body.NONE, false),
  CAPACITY_WHAT_IF("capacity-what-if", Who.ADMIN, Body.REQUIRED, false);

  /** Who may call an endpoint. */
  enum Who { ANYONE, JOINER_OR_MACHINE, MACHINE, ADMIN, ADMIN_OR_MACHINE }

  /** What an endpoint expects in its body. */
  enum Body { NONE, REQUIRED, OPTIONAL }

  private final String label;
  private final Who who;
  private final Body body;
  private final boolean inline;

  Endpoint(String label, Who who, Body body, boolean inline) {
    this.label = label;
    this.who = who;
    this.body = body;
    this.inline = inline;
  }

  /** The name error messages call it by. */
  String label() {
    return label;
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
