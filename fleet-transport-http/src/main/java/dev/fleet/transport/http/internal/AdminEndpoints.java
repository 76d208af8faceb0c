package dev.fleet.transport.http.internal;

import static dev.fleet.transport.http.internal.Responses.json;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.TaskId;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownMachineException;
import dev.fleet.UnknownTaskException;
import dev.fleet.transport.http.internal.Credentials.MachinePrincipal;
import dev.fleet.transport.http.internal.Credentials.Principal;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The clients' endpoints, called with the client credential: submit, list, cancel, reroute and explain tasks;
 * list, drain, undrain and remove machines; the queue, the rules, the join token and backups. Also the two reads
 * a machine may make of its own records ({@code GET /v1/tasks/{id}}, {@code GET /v1/machines/{id}}).
 *
 * <p>Thread-safe: stateless beyond thread-safe collaborators. These run on the request threads, as they may walk
 * the whole fleet.
 */
final class AdminEndpoints {
  private static final System.Logger LOG = System.getLogger(Api.class.getName());

  private final Fleet fleet;
  private final Credentials credentials;
  private final Limits limits;
  private final Joins joins;
  private final MachineViews views;
  private final ReadEndpoints reads;
  private final Consumer<Optional<String>> joinTokenChanged;

  AdminEndpoints(Fleet fleet, Credentials credentials, Limits limits, Joins joins, MachineViews views,
      ReadEndpoints reads, Consumer<Optional<String>> joinTokenChanged) {
    this.fleet = fleet;
    this.credentials = credentials;
    this.limits = limits;
    this.joins = joins;
    this.views = views;
    this.reads = reads;
    this.joinTokenChanged = joinTokenChanged;
  }

  void handle(Routes.Route route, Principal who, byte[] body, Request request, Response response,
      Callback callback) {
    switch (route.endpoint()) {
      case SUBMIT -> json(response, callback, 200, submit(Json.read(body, Wire.SubmitRequest.class)));
      case LIST_TASKS -> json(response, callback, 200, reads.tasks().list(Request.extractQueryParameters(request)));
      case OUTPUT -> reads.output().write(WireMapping.taskId(route.param()), response, callback);
      case EVENTS -> reads.events().open(request, response, callback);
      case TASK -> json(response, callback, 200, task(who, WireMapping.taskId(route.param())));
      case CANCEL -> json(response, callback, 200,
          new Wire.CancelResponse(fleet.dispatcher().cancel(WireMapping.taskId(route.param()))));
      case REROUTE -> {
        Wire.RerouteRequest r = Json.read(body, Wire.RerouteRequest.class);
        MachineId target = WireMapping.machineId(WireMapping.required(r.machine(), "machine"));
        Decision d = fleet.dispatcher().reroute(WireMapping.taskId(route.param()), target);
        json(response, callback, 200, WireMapping.dto(d));
      }
      case EXPLAIN -> json(response, callback, 200,
          WireMapping.dto(fleet.dispatcher().explain(WireMapping.taskId(route.param()))));
      case MACHINES -> {
        List<Wire.MachineStatusDto> out = new ArrayList<>();
        for (MachineStatus s : fleet.registry().list()) {
          out.add(views.of(s));
        }
        json(response, callback, 200, out);
      }
      case MACHINE -> {
        MachineId id = WireMapping.machineId(route.param());
        if (who instanceof MachinePrincipal m && !m.id().equals(id)) {
          throw Problem.forbidden("machine '" + m.id() + "' may read only its own record, not '" + id + "'");
        }
        json(response, callback, 200, views.of(fleet.registry().get(id)
            .orElseThrow(() -> new UnknownMachineException(id))));
      }
      case REMOVE_MACHINE -> {
        MachineId id = WireMapping.machineId(route.param());
        boolean removed = joins.removeMachine(id);
        if (!removed) {
          throw new UnknownMachineException(id);
        }
        json(response, callback, 200, new Wire.RemovedResponse(true));
      }
      case DRAIN -> {
        MachineId id = WireMapping.machineId(route.param());
        Wire.DrainRequest r = body.length == 0 ? new Wire.DrainRequest(null) : Json.read(body, Wire.DrainRequest.class);
        MachineStatus s = r.deadlineMillis() == null ? fleet.registry().drain(id)
            : fleet.registry().drain(id, WireMapping.input(() -> nonNegative(r.deadlineMillis(), "deadlineMillis")));
        json(response, callback, 200, views.of(s));
      }
      case UNDRAIN -> json(response, callback, 200,
          views.of(fleet.registry().undrain(WireMapping.machineId(route.param()))));
      case QUEUE -> {
        List<Wire.TaskStatusDto> out = new ArrayList<>();
        for (TaskStatus s : fleet.dispatcher().queue()) {
          out.add(WireMapping.dto(s));
        }
        json(response, callback, 200, out);
      }
      case RULES -> json(response, callback, 200, new Wire.RulesDto(fleet.describeRules()));
      case ROTATE_JOIN_TOKEN -> {
        String token = credentials.rotateJoinToken(); // durable before the answer reveals it
        tellJoinToken(Optional.of(token));
        json(response, callback, 200, new Wire.JoinTokenDto(token));
      }
      case REVOKE_JOIN_TOKEN -> {
        credentials.revokeJoinToken();
        tellJoinToken(Optional.empty());
        json(response, callback, 200, Map.of("revoked", true));
      }
      case BACKUP -> backup(response, callback);
      case CAPACITY_WHAT_IF -> json(response, callback, 200,
          CapacityWire.whatIf(fleet, Json.read(body, Wire.CapacityWhatIfRequest.class)));
      case CAPACITY -> json(response, callback, 200, CapacityWire.report(fleet, Request.extractQueryParameters(request)));
      default -> throw new IllegalStateException("route " + route.endpoint().label() + " is not a client's");
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
    List<Decision> decisions;
    try {
      decisions = fleet.dispatcher().submitAll(tasks); // refused for payload memory as a whole, or not at all
    } catch (dev.fleet.PayloadLimitException e) {
      throw PayloadProblems.of(e, PayloadProblems.where(tasks, e.task()));
    }
    for (Decision d : decisions) {
      out.add(WireMapping.dto(d));
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
}
