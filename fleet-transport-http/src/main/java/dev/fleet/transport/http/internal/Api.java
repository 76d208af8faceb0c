package dev.fleet.transport.http.internal;

import dev.fleet.Assignment;
import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.StaleAttemptException;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownMachineException;
import dev.fleet.UnknownTaskException;
import dev.fleet.transport.http.internal.Credentials.Admin;
import dev.fleet.transport.http.internal.Credentials.Joiner;
import dev.fleet.transport.http.internal.Credentials.MachinePrincipal;
import dev.fleet.transport.http.internal.Credentials.Principal;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The {@code /v1} API as one Jetty core handler: routing, authentication, rate limits, body limits, and each
 * endpoint. Long-polls return from {@link #handle} at once and are completed later, by a delivery or a
 * timer, so a waiting agent holds no thread.
 *
 * <p>Thread-safe: called by Jetty's threads concurrently; its state is in thread-safe collaborators.
 */
public final class Api extends Handler.Abstract {
  private static final System.Logger LOG = System.getLogger(Api.class.getName());
  private static final String JSON = "application/json";
  private static final String PROBLEM_JSON = "application/problem+json";

  private final Fleet fleet;
  private final Credentials credentials;
  private final Deliveries deliveries;
  private final RateLimits rates;
  private final Limits limits;
  private final Executor executor;
  private final Scheduler scheduler;
  private final Object joinLock = new Object();
  private final String incarnation;
  private final Consumer<Optional<String>> joinTokenChanged;
  private final ReadEndpoints reads;

  /**
   * @param incarnation names this coordinator's run: message numbers count within it, and an agent that sees it
   *     change knows the coordinator restarted and joins again
   * @param joinTokenChanged told of the new join token after a rotation through the API, empty after a revocation
   * @param reads the task listing, task output and event stream endpoints
   */
  public Api(Fleet fleet, Credentials credentials, Deliveries deliveries, RateLimits rates, Limits limits,
      Executor executor, Scheduler scheduler, String incarnation, Consumer<Optional<String>> joinTokenChanged,
      ReadEndpoints reads) {
    super(InvocationType.NON_BLOCKING);
    this.reads = reads;
    this.incarnation = incarnation;
    this.joinTokenChanged = joinTokenChanged;
    this.fleet = fleet;
    this.credentials = credentials;
    this.deliveries = deliveries;
    this.rates = rates;
    this.limits = limits;
    this.executor = executor;
    this.scheduler = scheduler;
  }

  /** Who may call an endpoint. */
  private enum Who { ANYONE, JOINER_OR_MACHINE, MACHINE, ADMIN, ADMIN_OR_MACHINE }

  /** What an endpoint expects in its body. */
  private enum Body { NONE, REQUIRED, OPTIONAL }

  /** A matched endpoint with its path parameter. */
  private record Route(String name, Who who, Body body, String param) {
    /** Whether it is short and never waits, so it runs on the thread that read the request. */
    boolean inline() {
      return switch (name) {
        case "ping", "heartbeat", "poll", "started", "started-batch", "result", "results", "sleep" -> true;
        default -> false;
      };
    }
  }

  /**
   * Handles a request. Jetty calls this on its selector thread (the handler is non-blocking), and the agents'
   * endpoints (heartbeat, poll, started, results) run there to the end: they are short, never wait, and a
   * hand-off to another thread would cost more than they do. Joins and every client endpoint, which may walk
   * the whole fleet, run on the request threads.
   */
  @Override
  public boolean handle(Request request, Response response, Callback jettyCallback) {
    Callback callback = HeaderDeadline.requestArrived(request, jettyCallback);
    try {
      Route route = route(request.getMethod(), Request.getPathInContext(request));
      Principal who = authenticate(request, route);
      rates.charge(who != null ? who.rateKey() : "address:" + address(request.getConnectionMetaData()
          .getRemoteSocketAddress()));
      authorize(route, who);
      if (route.body() == Body.NONE) {
        run(route, () -> dispatch(route, who, EMPTY, request, response, callback), response, callback);
        return true;
      }
      readBody(request, route, (body, failure) -> {
        if (failure != null) {
          closeAfter(response);
          problem(response, callback, failure);
          return;
        }
        run(route, () -> dispatch(route, who, body, request, response, callback), response, callback);
      });
    } catch (Throwable t) {
      if (hasBody(request)) {
        // The body was not read: close rather than leave the client a connection it cannot reuse.
        closeAfter(response);
      }
      problem(response, callback, t);
    }
    return true;
  }

  private static final byte[] EMPTY = new byte[0];

  /** Runs an endpoint here if it is one of the agents' short ones, else on a request thread. */
  private void run(Route route, Runnable endpoint, Response response, Callback callback) {
    Runnable guarded = () -> {
      try {
        endpoint.run();
      } catch (Throwable t) {
        problem(response, callback, t);
      }
    };
    if (route.inline()) {
      guarded.run();
      return;
    }
    try {
      executor.execute(guarded);
    } catch (RuntimeException e) {
      problem(response, callback, new Problem(503, "overloaded", "the coordinator has no thread free to handle "
          + "this request; retry later", 1));
    }
  }

  /** Whether a Content-Type is {@code application/json}, with or without parameters such as a charset. */
  static boolean isJson(String contentType) {
    int semi = contentType.indexOf(';');
    String mime = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return mime.equalsIgnoreCase(JSON);
  }

  private static boolean hasBody(Request request) {
    return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  private static void closeAfter(Response response) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
  }

  // ------------------------------------------------------------------ routing and checks

  private static Route route(String method, String path) {
    if (!path.startsWith("/v1/")) {
      throw Problem.notFound("no-such-endpoint", "no endpoint at " + WireMapping.abbreviate(path)
          + "; the API lives under /v1/");
    }
    String[] s = path.substring(4).split("/", -1);
    String m = method.toUpperCase(Locale.ROOT);
    switch (s.length) {
      case 1 -> {
        switch (s[0]) {
          case "ping": return only(m, "GET", new Route("ping", Who.ANYONE, Body.NONE, null));
          case "join": return only(m, "POST", new Route("join", Who.JOINER_OR_MACHINE, Body.REQUIRED, null));
          case "heartbeat": return only(m, "POST", new Route("heartbeat", Who.MACHINE, Body.REQUIRED, null));
          case "results": return only(m, "POST", new Route("results", Who.MACHINE, Body.REQUIRED, null));
          case "started": return only(m, "POST", new Route("started-batch", Who.MACHINE, Body.REQUIRED, null));
          case "assignments": return only(m, "GET", new Route("poll", Who.MACHINE, Body.NONE, null));
          case "sleep": return only(m, "POST", new Route("sleep", Who.MACHINE, Body.OPTIONAL, null));
          case "leave": return only(m, "POST", new Route("leave", Who.MACHINE, Body.REQUIRED, null));
          case "tasks":
            if (m.equals("GET")) {
              return new Route("list-tasks", Who.ADMIN, Body.NONE, null);
            }
            return only(m, "POST", new Route("submit", Who.ADMIN, Body.REQUIRED, null), "GET");
          case "events": return only(m, "GET", new Route("events", Who.ADMIN, Body.NONE, null));
          case "machines": return only(m, "GET", new Route("machines", Who.ADMIN, Body.NONE, null));
          case "queue": return only(m, "GET", new Route("queue", Who.ADMIN, Body.NONE, null));
          case "rules": return only(m, "GET", new Route("rules", Who.ADMIN, Body.NONE, null));
          case "backup": return only(m, "GET", new Route("backup", Who.ADMIN, Body.NONE, null));
          case "join-token":
            if (m.equals("POST")) {
              return new Route("rotate-join-token", Who.ADMIN, Body.OPTIONAL, null);
            }
            return only(m, "DELETE", new Route("revoke-join-token", Who.ADMIN, Body.NONE, null), "POST");
          default: break;
        }
      }
      case 2 -> {
        if (s[0].equals("tasks") && !s[1].isEmpty()) {
          return only(m, "GET", new Route("task", Who.ADMIN_OR_MACHINE, Body.NONE, s[1]));
        }
        if (s[0].equals("machines") && !s[1].isEmpty()) {
          if (m.equals("GET")) {
            return new Route("machine", Who.ADMIN_OR_MACHINE, Body.NONE, s[1]);
          }
          return only(m, "DELETE", new Route("remove-machine", Who.ADMIN, Body.NONE, s[1]), "GET");
        }
      }
      case 3 -> {
        if (s[0].equals("tasks") && !s[1].isEmpty()) {
          switch (s[2]) {
            case "started": return only(m, "POST", new Route("started", Who.MACHINE, Body.REQUIRED, s[1]));
            case "result": return only(m, "POST", new Route("result", Who.MACHINE, Body.REQUIRED, s[1]));
            case "cancel": return only(m, "POST", new Route("cancel", Who.ADMIN, Body.OPTIONAL, s[1]));
            case "reroute": return only(m, "POST", new Route("reroute", Who.ADMIN, Body.REQUIRED, s[1]));
            case "explanation": return only(m, "GET", new Route("explain", Who.ADMIN, Body.NONE, s[1]));
            case "output": return only(m, "GET", new Route("output", Who.ADMIN, Body.NONE, s[1]));
            default: break;
          }
        }
        if (s[0].equals("machines") && !s[1].isEmpty()) {
          switch (s[2]) {
            case "drain": return only(m, "POST", new Route("drain", Who.ADMIN, Body.OPTIONAL, s[1]));
            case "undrain": return only(m, "POST", new Route("undrain", Who.ADMIN, Body.OPTIONAL, s[1]));
            default: break;
          }
        }
      }
      default -> { }
    }
    throw Problem.notFound("no-such-endpoint", "no endpoint at " + WireMapping.abbreviate(path));
  }

  private static Route only(String method, String allowed, Route route, String... alsoAllowed) {
    if (method.equals(allowed)) {
      return route;
    }
    String allow = alsoAllowed.length == 0 ? allowed : allowed + ", " + String.join(", ", alsoAllowed);
    throw new Problem(405, "method-not-allowed", method + " is not allowed here; use " + allow + " (Allow: " + allow
        + ")");
  }

  private Principal authenticate(Request request, Route route) {
    if (route.who() == Who.ANYONE) {
      return null;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null) {
      throw Problem.unauthorized("this endpoint needs a credential: send 'Authorization: Bearer <credential>'");
    }
    if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw Problem.unauthorized("the Authorization header must read 'Bearer <credential>'");
    }
    return credentials.authenticate(header.substring(7).trim()).orElseThrow(() -> Problem.unauthorized(
        "the credential is not valid: unknown, revoked, or from before the machine was removed"));
  }

  private static void authorize(Route route, Principal who) {
    boolean ok = switch (route.who()) {
      case ANYONE -> true;
      case JOINER_OR_MACHINE -> who instanceof Joiner || who instanceof MachinePrincipal;
      case MACHINE -> who instanceof MachinePrincipal;
      case ADMIN -> who instanceof Admin;
      case ADMIN_OR_MACHINE -> who instanceof Admin || who instanceof MachinePrincipal;
    };
    if (!ok) {
      String needs = switch (route.who()) {
        case JOINER_OR_MACHINE -> "the join token or the machine's own credential";
        case MACHINE -> "a machine credential (from /v1/join)";
        case ADMIN, ADMIN_OR_MACHINE -> "the client credential";
        case ANYONE -> "nothing";
      };
      throw Problem.forbidden(route.name() + " needs " + needs + "; " + describe(who) + " may not call it");
    }
  }

  private static String describe(Principal who) {
    if (who instanceof MachinePrincipal m) {
      return "machine '" + m.id() + "'";
    }
    return who instanceof Joiner ? "the join token" : "the client credential";
  }

  private static String address(SocketAddress a) {
    return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress()
        : String.valueOf(a);
  }

  /** Receives a body or why it could not be read. */
  private interface BodyConsumer {
    void accept(byte[] body, Throwable failure);
  }

  private void readBody(Request request, Route route, BodyConsumer then) {
    long length = request.getLength();
    if (length > limits.maxBodyBytes()) {
      throw Problem.tooLarge("the body is " + length + " bytes; at most " + limits.maxBodyBytes() + " are accepted");
    }
    if (length == 0 && route.body() == Body.OPTIONAL) {
      then.accept(new byte[0], null);
      return;
    }
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null && route.body() == Body.OPTIONAL && length < 0) {
      type = JSON; // a body-less POST without a length: read what comes, and insist only if something does
    }
    if (type == null || !isJson(type)) {
      throw new Problem(415, "unsupported-media-type", "the body must be application/json, got "
          + (type == null ? "no Content-Type" : "'" + WireMapping.abbreviate(type) + "'"));
    }
    Content.Source.asByteArrayAsync(request, limits.maxBodyBytes()).whenComplete((bytes, failure) -> {
      if (failure != null) {
        String msg = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        then.accept(null, msg.contains("max") || msg.contains("large") || msg.contains("exceed")
            ? Problem.tooLarge("the body is over " + limits.maxBodyBytes() + " bytes, the most accepted")
            : Problem.badRequest("the body could not be read: " + failure.getMessage()));
      } else {
        then.accept(bytes, null);
      }
    });
  }

  // ------------------------------------------------------------------ endpoints

  private void dispatch(Route route, Principal who, byte[] body, Request request, Response response,
      Callback callback) {
    switch (route.name()) {
      case "ping" -> json(response, callback, 200, Map.of("status", "ok"));
      case "join" -> json(response, callback, 200, join(who, Json.read(body, Wire.JoinRequest.class), request));
      case "heartbeat" -> json(response, callback, 200, heartbeat(machine(who),
          Json.read(body, Wire.HeartbeatRequest.class)));
      case "poll" -> poll(machine(who), request, response, callback);
      case "sleep" -> json(response, callback, 200, machineView(fleet.monitor().announceSleep(machine(who))));
      case "leave" -> json(response, callback, 200, machineView(LeaveRequests.apply(fleet, machine(who), body)));
      case "started" -> json(response, callback, 200, started(machine(who), WireMapping.taskId(route.param()),
          Json.read(body, Wire.StartedRequest.class)));
      case "result" -> json(response, callback, 200, result(machine(who), WireMapping.taskId(route.param()),
          Json.read(body, Wire.ResultRequest.class)));
      case "results" -> json(response, callback, 200, results(machine(who), Json.read(body, Wire.ResultsRequest.class)));
      case "started-batch" -> json(response, callback, 200, startedBatch(machine(who),
          Json.read(body, Wire.StartedBatchRequest.class)));
      case "submit" -> json(response, callback, 200, submit(Json.read(body, Wire.SubmitRequest.class)));
      case "list-tasks" -> json(response, callback, 200, reads.tasks().list(Request.extractQueryParameters(request)));
      case "output" -> reads.output().write(WireMapping.taskId(route.param()), response, callback);
      case "events" -> reads.events().open(request, response, callback);
      case "task" -> json(response, callback, 200, task(who, WireMapping.taskId(route.param())));
      case "cancel" -> json(response, callback, 200,
          new Wire.CancelResponse(fleet.dispatcher().cancel(WireMapping.taskId(route.param()))));
      case "reroute" -> {
        Wire.RerouteRequest r = Json.read(body, Wire.RerouteRequest.class);
        MachineId target = WireMapping.machineId(WireMapping.required(r.machine(), "machine"));
        Decision d = fleet.dispatcher().reroute(WireMapping.taskId(route.param()), target);
        json(response, callback, 200, WireMapping.dto(d));
      }
      case "explain" -> json(response, callback, 200,
          WireMapping.dto(fleet.dispatcher().explain(WireMapping.taskId(route.param()))));
      case "machines" -> {
        List<Wire.MachineStatusDto> out = new ArrayList<>();
        for (MachineStatus s : fleet.registry().list()) {
          out.add(machineView(s));
        }
        json(response, callback, 200, out);
      }
      case "machine" -> {
        MachineId id = WireMapping.machineId(route.param());
        if (who instanceof MachinePrincipal m && !m.id().equals(id)) {
          throw Problem.forbidden("machine '" + m.id() + "' may read only its own record, not '" + id + "'");
        }
        json(response, callback, 200, machineView(fleet.registry().get(id)
            .orElseThrow(() -> new UnknownMachineException(id))));
      }
      case "remove-machine" -> {
        MachineId id = WireMapping.machineId(route.param());
        boolean removed = removeMachine(id);
        if (!removed) {
          throw new UnknownMachineException(id);
        }
        json(response, callback, 200, new Wire.RemovedResponse(true));
      }
      case "drain" -> {
        MachineId id = WireMapping.machineId(route.param());
        Wire.DrainRequest r = body.length == 0 ? new Wire.DrainRequest(null) : Json.read(body, Wire.DrainRequest.class);
        MachineStatus s = r.deadlineMillis() == null ? fleet.registry().drain(id)
            : fleet.registry().drain(id, WireMapping.input(() -> nonNegative(r.deadlineMillis(), "deadlineMillis")));
        json(response, callback, 200, machineView(s));
      }
      case "undrain" -> json(response, callback, 200,
          machineView(fleet.registry().undrain(WireMapping.machineId(route.param()))));
      case "queue" -> {
        List<Wire.TaskStatusDto> out = new ArrayList<>();
        for (TaskStatus s : fleet.dispatcher().queue()) {
          out.add(WireMapping.dto(s));
        }
        json(response, callback, 200, out);
      }
      case "rules" -> json(response, callback, 200, new Wire.RulesDto(fleet.describeRules()));
      case "rotate-join-token" -> {
        String token = credentials.rotateJoinToken(); // durable before the answer reveals it
        tellJoinToken(Optional.of(token));
        json(response, callback, 200, new Wire.JoinTokenDto(token));
      }
      case "revoke-join-token" -> {
        credentials.revokeJoinToken();
        tellJoinToken(Optional.empty());
        json(response, callback, 200, Map.of("revoked", true));
      }
      case "backup" -> backup(response, callback);
      default -> throw new IllegalStateException("route " + route.name() + " has no endpoint");
    }
  }

  private void tellJoinToken(Optional<String> token) {
    try {
      joinTokenChanged.accept(token);
    } catch (RuntimeException e) {
      // The change is journaled already; a listener (e.g. one keeping a copy in a file) must not undo the answer.
      LOG.log(Level.WARNING, "the join token listener failed", e);
    }
  }

  /** Answers with a consistent copy of the fleet's durable state, as {@link Fleet#backup} writes it. */
  private void backup(Response response, Callback callback) {
    java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream(1 << 16);
    try {
      fleet.backup(copy);
    } catch (UnsupportedOperationException e) {
      throw new Problem(501, "no-backup", "this fleet cannot take backups: " + e.getMessage());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("writing the backup to memory failed", e);
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("Content-Disposition", "attachment; filename=\"fleet.backup\"");
    response.write(true, ByteBuffer.wrap(copy.toByteArray()), callback);
  }

  private static Duration nonNegative(long millis, String field) {
    if (millis < 0) {
      throw new IllegalArgumentException("field '" + field + "' must be >= 0, got " + millis);
    }
    return Duration.ofMillis(millis);
  }

  private static MachineId machine(Principal who) {
    return ((MachinePrincipal) who).id();
  }

  /** Removes a machine from the fleet and invalidates its credential; false if it was unknown. */
  public boolean removeMachine(MachineId id) {
    synchronized (joinLock) {
      boolean revoked = credentials.revoke(id);
      boolean removed = fleet.registry().deregister(id);
      deliveries.forget(id);
      return revoked || removed;
    }
  }

  private Wire.JoinResponse join(Principal who, Wire.JoinRequest req, Request request) {
    Machine m = WireMapping.input(() -> WireMapping.machine(req.machine()));
    String joinKey = req.joinKey() == null ? null : WireMapping.input(() -> Secrets.checkConfigured("joinKey",
        req.joinKey()));
    String credential;
    boolean reconnected;
    synchronized (joinLock) {
      Optional<MachineStatus> existing = fleet.registry().get(m.id());
      if (who instanceof MachinePrincipal p) {
        if (!p.id().equals(m.id())) {
          throw Problem.forbidden("the credential is machine '" + p.id() + "''s; it cannot join as '" + m.id() + "'");
        }
        credential = request.getHeaders().get(HttpHeader.AUTHORIZATION).substring(7).trim();
        reconnected = true;
      } else {
        // The same agent retrying a join whose answer it lost presents the join key it joined with; it gets a
        // fresh credential in place of the one that never reached it. Anyone else is refused the known id.
        if (credentials.hasCredential(m.id()) && !credentials.issuedTo(m.id(), joinKey)) {
          throw Problem.conflict("already-joined", "machine '" + m.id() + "' has already joined and holds a "
              + "credential; reconnect with that credential, or remove the machine (DELETE /v1/machines/" + m.id()
              + ") so it can join afresh");
        }
        reconnected = false;
        credential = null;
      }
      if (existing.isPresent()) {
        fleet.registry().update(m);
      } else {
        if (fleet.registry().size() >= limits.maxMachines()) {
          throw Problem.conflict("fleet-full", "the fleet has " + fleet.registry().size() + " machines, the most "
              + "allowed (" + limits.maxMachines() + "); remove one first");
        }
        fleet.registry().register(m);
      }
      if (credential == null) {
        // Registered first, then the credential: it is journaled after the registration, so a crash leaves
        // either nothing the agent was told, or both.
        credential = credentials.issue(m.id(), joinKey);
      }
    }
    List<Wire.WithdrawnItem> withdrawn = reconnected ? notCurrent(m.id(), req.running()) : List.of();
    long cursor = deliveries.rejoin(m.id());
    LOG.log(Level.INFO, () -> "machine '" + m.id() + "' " + (reconnected ? "reconnected" : "joined") + " from "
        + address(request.getConnectionMetaData().getRemoteSocketAddress()));
    return new Wire.JoinResponse(m.id().value(), credential, reconnected,
        fleet.monitor().interval().toMillis(), fleet.monitor().suspectAfter().toMillis(),
        fleet.monitor().offlineAfter().toMillis(), limits.maxPollWait().toMillis(), cursor, incarnation, withdrawn);
  }

  /**
   * Of the attempts a reconnecting agent says it runs, those it must stop: the coordinator has no record of
   * them, they are not the task's current attempt, or they are another machine's. The current ones are marked
   * started, as the agent runs them.
   */
  private List<Wire.WithdrawnItem> notCurrent(MachineId caller, List<Wire.StartedItem> running) {
    if (running == null || running.isEmpty()) {
      return List.of();
    }
    if (running.size() > limits.maxTasksPerRequest()) {
      throw Problem.tooLarge("a join may report at most " + limits.maxTasksPerRequest() + " running attempts, got "
          + running.size());
    }
    List<Wire.WithdrawnItem> out = new ArrayList<>();
    for (Wire.StartedItem r : running) {
      if (r == null || r.task() == null || r.token() == null) {
        continue;
      }
      String why;
      try {
        why = whyNotCurrent(caller, WireMapping.taskId(r.task()), WireMapping.token(r.token(), "token"));
      } catch (RuntimeException e) {
        why = "the coordinator cannot read it: " + e.getMessage();
      }
      if (why != null) {
        out.add(new Wire.WithdrawnItem(r.task(), r.token(), why));
      }
    }
    return out;
  }

  /** Why an attempt the caller runs is not current, or null if it is. */
  private String whyNotCurrent(MachineId caller, TaskId task, long token) {
    Optional<Assignment> out = deliveries.outstanding(task);
    if (out.isPresent() && out.get().token() == token && !out.get().machine().equals(caller)) {
      return "task '" + task + "' is assigned to another machine";
    }
    Optional<TaskStatus> s = fleet.dispatcher().status(task);
    if (s.isEmpty()) {
      return "the coordinator has no record of task '" + task + "'";
    }
    if (s.get().state().isFinal()) {
      return "task '" + task + "' is " + s.get().state().name().toLowerCase(Locale.ROOT);
    }
    if (!s.get().machine().map(caller::equals).orElse(false)) {
      return "task '" + task + "' is not assigned to machine '" + caller + "'";
    }
    try {
      // The core is the judge of currency; after a restart the transport's own record may not be back yet. The
      // agent says it runs the attempt, so it has started, whether or not its report got in before the restart.
      fleet.dispatcher().started(task, token);
      return null;
    } catch (StaleAttemptException | UnknownTaskException e) {
      return e.getMessage();
    }
  }

  private Wire.HeartbeatResponse heartbeat(MachineId id, Wire.HeartbeatRequest req) {
    Heartbeat hb = WireMapping.input(() -> new Heartbeat(id, WireMapping.required(req.sequence(), "sequence"),
        WireMapping.required(req.load(), "load"), WireMapping.signals(req.signals())));
    boolean accepted;
    try {
      accepted = fleet.monitor().heartbeat(hb);
    } catch (UnknownMachineException e) {
      throw Problem.notFound("unknown-machine", "machine '" + id + "' is no longer registered; join again");
    }
    Mailbox box = deliveries.mailbox(id);
    // An ack counted in an earlier incarnation means nothing now: the agent is told the new one and joins again.
    List<Mailbox.Message> messages = sameIncarnation(req.incarnation())
        ? box.acknowledge(req.ack() == null ? 0 : req.ack()) : List.of();
    return new Wire.HeartbeatResponse(accepted, fleet.monitor().health(id).word(), messages(messages), box.cursor(),
        fleet.monitor().interval().toMillis(), incarnation);
  }

  /** Whether an agent's acks count in this coordinator's numbering; an agent that names none is trusted. */
  private boolean sameIncarnation(String agents) {
    return agents == null || agents.equals(incarnation);
  }

  private static List<Wire.MessageDto> messages(List<Mailbox.Message> messages) {
    List<Wire.MessageDto> out = new ArrayList<>(messages.size());
    for (Mailbox.Message m : messages) {
      out.add(switch (m.kind()) {
        case ASSIGN -> WireMapping.assign(m.seq(), m.assignment());
        case WITHDRAW -> WireMapping.withdrawal(m.seq(), m.assignment(), m.reason());
        case PAUSE -> WireMapping.notice(m.seq(), "pause", m.assignment(), m.reason());
        case RESUME -> WireMapping.notice(m.seq(), "resume", m.assignment(), m.reason());
      });
    }
    return out;
  }

  private void poll(MachineId id, Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    long ack = queryLong(query, "ack", 0);
    long waitMillis = Math.min(queryLong(query, "waitMillis", limits.maxPollWait().toMillis()),
        limits.maxPollWait().toMillis());
    if (fleet.registry().get(id).isEmpty()) {
      throw Problem.notFound("unknown-machine", "machine '" + id + "' is no longer registered; join again");
    }
    Mailbox box = deliveries.mailbox(id);
    if (!sameIncarnation(query.getValue("incarnation"))) {
      // Answered at once and without acknowledging anything: the agent learns the new incarnation and joins again.
      json(response, callback, 200, new Wire.PollResponse(List.of(), box.cursor(), incarnation));
      return;
    }
    if (waitMillis == 0) {
      List<Mailbox.Message> now = box.acknowledge(ack);
      json(response, callback, 200, new Wire.PollResponse(messages(now), box.cursor(), incarnation));
      return;
    }
    PollWaiter waiter = new PollWaiter(response, callback);
    List<Runnable> replaced = new ArrayList<>(1);
    List<Mailbox.Message> now = box.pollOrWait(ack, waiter, replaced);
    replaced.forEach(Runnable::run);
    if (now != null) {
      waiter.complete(now, box.cursor());
      return;
    }
    Scheduler.Task timer = scheduler.schedule(() -> {
      if (box.cancel(waiter)) {
        waiter.complete(List.of(), box.cursor());
      }
    }, Duration.ofMillis(waitMillis));
    waiter.timer = timer;
    request.addFailureListener(failure -> {
      if (box.cancel(waiter)) {
        timer.cancel();
        waiter.fail(failure);
      }
    });
  }

  /** A long-poll parked in a mailbox: answered once, by a delivery, its timer, or a failure. */
  private final class PollWaiter implements Mailbox.Waiter {
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean done = new AtomicBoolean();
    volatile Scheduler.Task timer;

    PollWaiter(Response response, Callback callback) {
      this.response = response;
      this.callback = callback;
    }

    @Override
    public void complete(List<Mailbox.Message> messages, long cursor) {
      if (done.compareAndSet(false, true)) {
        Scheduler.Task t = timer;
        if (t != null) {
          t.cancel();
        }
        json(response, callback, 200, new Wire.PollResponse(messages(messages), cursor, incarnation));
      }
    }

    void fail(Throwable failure) {
      if (done.compareAndSet(false, true)) {
        callback.failed(failure);
      }
    }
  }

  private static long queryLong(Fields query, String name, long def) {
    String v = query.getValue(name);
    if (v == null) {
      return def;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw Problem.badRequest("query parameter '" + name + "' must be >= 0, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("query parameter '" + name + "' must be an integer, got '"
          + WireMapping.abbreviate(v) + "'");
    }
  }

  /**
   * The attempt a machine reports on, after checking it is the caller's: identity comes from the
   * credential, so a machine can report only attempts that were delivered to it.
   */
  private void ownAttempt(MachineId caller, TaskId task, long token) {
    Optional<Assignment> out = deliveries.outstanding(task);
    if (out.isEmpty()) {
      // After a restart the fleet knows the attempt before its re-delivery reaches this transport: the core
      // judges the token, and the task's machine says whose it is.
      TaskStatus s = fleet.dispatcher().status(task).orElseThrow(() -> new UnknownTaskException(task));
      if (s.state().isFinal() || s.state() == dev.fleet.TaskState.QUEUED) {
        throw Problem.conflict("stale-attempt", "task '" + task + "' has no attempt out with token "
            + WireMapping.token(token) + " (it is " + s.state().name().toLowerCase(Locale.ROOT) + ")");
      }
      if (!s.machine().map(caller::equals).orElse(false)) {
        throw Problem.forbidden("task '" + task + "' is not assigned to machine '" + caller + "'");
      }
      return;
    }
    Assignment a = out.get();
    if (!a.machine().equals(caller)) {
      throw Problem.forbidden("task '" + task + "' is not assigned to machine '" + caller + "'");
    }
    if (a.token() != token) {
      throw Problem.conflict("stale-attempt", "token " + WireMapping.token(token) + " is not the current attempt of "
          + "task '" + task + "' (attempt " + a.attempt() + ")");
    }
  }

  private Wire.TaskStatusDto started(MachineId caller, TaskId task, Wire.StartedRequest req) {
    return WireMapping.dto(markStarted(caller, task, req.token()));
  }

  private TaskStatus markStarted(MachineId caller, TaskId task, String tokenText) {
    long token = WireMapping.token(tokenText, "token");
    ownAttempt(caller, task, token);
    return fleet.dispatcher().started(task, token);
  }

  private Wire.TaskStatusDto result(MachineId caller, TaskId task, Wire.ResultRequest req) {
    return WireMapping.dto(accept(caller, task, req));
  }

  private TaskStatus accept(MachineId caller, TaskId task, Wire.ResultRequest req) {
    long token = WireMapping.token(req.token(), "token");
    TaskResult result = WireMapping.input(() -> new TaskResult(WireMapping.required(req.succeeded(), "succeeded"),
        WireMapping.payload(req.output(), "output"), req.message() == null ? "" : req.message()));
    ownAttempt(caller, task, token);
    TaskStatus s = fleet.dispatcher().complete(task, token, result);
    deliveries.finished(task, token);
    return s;
  }

  /** One item of a batch, judged on its own; returns normally if it was accepted. */
  private interface BatchItem {
    void apply();
  }

  /**
   * Runs each item of a batch as the single endpoint would; one bad item does not stop the others, and its
   * outcome says what was wrong. A failure that is the coordinator's own (5xx) fails the whole request.
   */
  private List<Wire.ResultOutcome> batch(List<?> items, String field, java.util.function.IntFunction<BatchItem> item,
      java.util.function.IntFunction<String> taskOf) {
    WireMapping.required(items, field);
    if (items.size() > limits.maxTasksPerRequest()) {
      throw Problem.tooLarge("a batch may carry at most " + limits.maxTasksPerRequest() + " " + field + ", got "
          + items.size());
    }
    List<Wire.ResultOutcome> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      String task = taskOf.apply(i);
      try {
        WireMapping.required(items.get(i), field + "[" + i + "]");
        item.apply(i).apply();
        out.add(new Wire.ResultOutcome(task, 200, "accepted"));
      } catch (RuntimeException e) {
        Problem p = toProblem(e);
        if (p.status() >= 500) {
          throw e;
        }
        out.add(new Wire.ResultOutcome(task, p.status(), p.detail()));
      }
    }
    return out;
  }

  /** A batch of results, each judged as {@code POST /v1/tasks/{id}/result} would judge it. */
  private Wire.ResultsResponse results(MachineId caller, Wire.ResultsRequest req) {
    List<Wire.ResultItem> items = req.results();
    // One wait for the journal for the whole batch: the answer goes back once every accepted result is on disk.
    return fleet.batch(() -> new Wire.ResultsResponse(batch(items, "results", i -> () -> {
      Wire.ResultItem r = items.get(i);
      TaskId id = WireMapping.taskId(WireMapping.required(r.task(), "results[" + i + "].task"));
      accept(caller, id, new Wire.ResultRequest(r.token(), r.succeeded(), r.output(), r.message()));
    }, i -> items.get(i) == null || items.get(i).task() == null ? "" : items.get(i).task())));
  }

  /** A batch of started reports, each judged as {@code POST /v1/tasks/{id}/started} would judge it. */
  private Wire.StartedBatchResponse startedBatch(MachineId caller, Wire.StartedBatchRequest req) {
    List<Wire.StartedItem> items = req.started();
    return fleet.batch(() -> new Wire.StartedBatchResponse(batch(items, "started", i -> () -> {
      Wire.StartedItem r = items.get(i);
      TaskId id = WireMapping.taskId(WireMapping.required(r.task(), "started[" + i + "].task"));
      markStarted(caller, id, r.token());
    }, i -> items.get(i) == null || items.get(i).task() == null ? "" : items.get(i).task())));
  }

  private Wire.SubmitResponse submit(Wire.SubmitRequest req) {
    List<Wire.TaskDto> dtos = WireMapping.required(req.tasks(), "tasks");
    if (dtos.isEmpty()) {
      throw Problem.badRequest("field 'tasks' must hold at least one task");
    }
    if (dtos.size() > limits.maxTasksPerRequest()) {
      throw Problem.tooLarge("a submission may carry at most " + limits.maxTasksPerRequest() + " tasks, got "
          + dtos.size());
    }
    List<dev.fleet.Task> tasks = new ArrayList<>(dtos.size());
    Map<TaskId, dev.fleet.Task> seen = new HashMap<>();
    for (int i = 0; i < dtos.size(); i++) {
      int at = i;
      dev.fleet.Task t = WireMapping.input(() -> WireMapping.task(dtos.get(at), "tasks[" + at + "]"));
      dev.fleet.Task before = seen.putIfAbsent(t.id(), t);
      if (before != null && !before.equals(t)) {
        throw Problem.badRequest("tasks[" + i + "] reuses id '" + t.id() + "' with different content");
      }
      Optional<TaskStatus> existing = fleet.dispatcher().status(t.id());
      if (existing.isPresent() && !existing.get().task().equals(t)) {
        throw Problem.conflict("duplicate-task", "task '" + t.id() + "' was already submitted with different "
            + "content; nothing was submitted");
      }
      tasks.add(t);
    }
    List<Wire.DecisionDto> out = new ArrayList<>(tasks.size());
    for (dev.fleet.Task t : tasks) {
      out.add(WireMapping.dto(fleet.dispatcher().submit(t)));
    }
    return new Wire.SubmitResponse(out);
  }

  private Wire.TaskStatusDto task(Principal who, TaskId id) {
    TaskStatus s = fleet.dispatcher().status(id).orElseThrow(() -> new UnknownTaskException(id));
    if (who instanceof MachinePrincipal m && !s.machine().map(m.id()::equals).orElse(false)) {
      throw Problem.forbidden("machine '" + m.id() + "' may read only tasks assigned to it; '" + id + "' is not");
    }
    return WireMapping.dto(s);
  }

  private Wire.MachineStatusDto machineView(MachineStatus s) {
    double suspicion;
    try {
      suspicion = fleet.monitor().suspicion(s.id());
    } catch (UnknownMachineException e) {
      suspicion = 0;
    }
    List<String> tasks = new ArrayList<>();
    for (Assignment a : deliveries.outstandingOn(s.id())) {
      tasks.add(a.task().id().value());
    }
    return WireMapping.dto(s, suspicion, credentials.hasCredential(s.id()), tasks);
  }

  // ------------------------------------------------------------------ responses

  private static void json(Response response, Callback callback, int status, Object document) {
    byte[] bytes = Json.write(document);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  /** Answers with the problem a failure stands for; anything unexpected is logged and is a 500. */
  static void problem(Response response, Callback callback, Throwable failure) {
    Problem p = toProblem(failure);
    if (response.isCommitted()) {
      callback.failed(failure);
      return;
    }
    boolean close = "close".equalsIgnoreCase(response.getHeaders().get(HttpHeader.CONNECTION));
    response.reset();
    if (close) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    response.setStatus(p.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (p.status() == 401) {
      response.getHeaders().put(new HttpField(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"fleet\""));
    }
    if (p.status() == 405) {
      String d = p.detail();
      int at = d.indexOf("(Allow: ");
      if (at >= 0) {
        response.getHeaders().put(HttpHeader.ALLOW, d.substring(at + 8, d.length() - 1));
      }
    }
    if (p.retryAfterSeconds() > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(p.retryAfterSeconds()));
    }
    response.write(true, ByteBuffer.wrap(problemBytes(p)), callback);
  }

  static byte[] problemBytes(Problem p) {
    return Json.write(new Wire.ProblemDto(p.type(), Problem.title(p.status()), p.status(), p.detail()));
  }

  static Problem toProblem(Throwable t) {
    if (t instanceof Problem p) {
      return p;
    }
    if (t instanceof UnknownTaskException e) {
      return Problem.notFound("unknown-task", e.getMessage());
    }
    if (t instanceof UnknownMachineException e) {
      return Problem.notFound("unknown-machine", e.getMessage());
    }
    if (t instanceof StaleAttemptException e) {
      return Problem.conflict("stale-attempt", e.getMessage());
    }
    if (t instanceof dev.fleet.spi.JournalException e) {
      LOG.log(Level.ERROR, "the journal failed; changes are refused", e);
      return new Problem(503, "journal-failed", "the coordinator cannot record changes: " + e.getMessage());
    }
    if (t instanceof IllegalArgumentException e) {
      return Problem.badRequest(String.valueOf(e.getMessage()));
    }
    if (t instanceof IllegalStateException e) {
      return Problem.conflict("conflict", String.valueOf(e.getMessage()));
    }
    LOG.log(Level.ERROR, "request failed unexpectedly", t);
    return new Problem(500, "internal", "the coordinator failed to handle the request: " + t.getClass().getSimpleName()
        + "; see its log");
  }
}
