package dev.fleet.transport.http.internal;

import static dev.fleet.transport.http.internal.Responses.json;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownTaskException;
import dev.fleet.transport.http.internal.Credentials.MachinePrincipal;
import dev.fleet.transport.http.internal.Credentials.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The agents' endpoints: join, heartbeat, poll, sleep, leave, and the reports of attempts started and finished,
 * one at a time or in batches. A machine may report only attempts delivered to it: its identity comes from its
 * credential, never from the request.
 *
 * <p>Thread-safe: stateless beyond thread-safe collaborators. Most of these run on Jetty's selector thread
 * ({@link Endpoint#inline()}), so none of them waits.
 */
final class MachineEndpoints {
  private final Fleet fleet;
  private final Deliveries deliveries;
  private final Limits limits;
  private final Joins joins;
  private final MailboxEndpoints mailboxes;
  private final MachineViews views;
  private final Runnable confirmLeading;

  MachineEndpoints(Fleet fleet, Deliveries deliveries, Limits limits, Joins joins, MailboxEndpoints mailboxes,
      MachineViews views, Runnable confirmLeading) {
    this.confirmLeading = confirmLeading;
    this.fleet = fleet;
    this.deliveries = deliveries;
    this.limits = limits;
    this.joins = joins;
    this.mailboxes = mailboxes;
    this.views = views;
  }

  void handle(Routes.Route route, Principal who, byte[] body, Request request, Response response,
      Callback callback) {
    try {
      route(route, who, body, request, response, callback);
    } catch (RuntimeException e) {
      if ((route.endpoint() == Endpoint.STARTED || route.endpoint() == Endpoint.RESULT) && refusesAReport(e)) {
        confirmLeading.run(); // a deposed leader throws here: 503, and the agent asks again, elsewhere
      }
      throw e;
    }
  }

  /**
   * Whether {@code e} refuses a report for what this coordinator knows of the task: an unknown task, a stale
   * attempt, an attempt that is another machine's. A deposed leader that has not noticed judges from stale state.
   */
  private static boolean refusesAReport(RuntimeException e) {
    if (e instanceof dev.fleet.spi.JournalException) {
      return false; // a 503, not a refusal; and mapping it here would log the failure a second time
    }
    int status = Responses.toProblem(e).status();
    return status == 403 || status == 404 || status == 409;
  }

  private void route(Routes.Route route, Principal who, byte[] body, Request request, Response response,
      Callback callback) {
    switch (route.endpoint()) {
      case JOIN -> json(response, callback, 200, joins.join(who, Json.read(body, Wire.JoinRequest.class), request));
      case HEARTBEAT -> json(response, callback, 200, mailboxes.heartbeat(machine(who),
          Json.read(body, Wire.HeartbeatRequest.class)));
      case POLL -> mailboxes.poll(machine(who), request, response, callback);
      case SLEEP -> json(response, callback, 200, views.of(fleet.monitor().announceSleep(machine(who))));
      case LEAVE -> json(response, callback, 200, views.of(LeaveRequests.apply(fleet, machine(who), body)));
      case STARTED -> json(response, callback, 200, WireMapping.dto(markStarted(machine(who),
          WireMapping.taskId(route.param()), Json.read(body, Wire.StartedRequest.class).token())));
      case RESULT -> json(response, callback, 200, WireMapping.dto(accept(machine(who),
          WireMapping.taskId(route.param()), Json.read(body, Wire.ResultRequest.class))));
      case RESULTS -> json(response, callback, 200, results(machine(who), Json.read(body, Wire.ResultsRequest.class)));
      case STARTED_BATCH -> json(response, callback, 200, startedBatch(machine(who),
          Json.read(body, Wire.StartedBatchRequest.class)));
      default -> throw new IllegalStateException("route " + route.endpoint().label() + " is not a machine's");
    }
  }

  private static MachineId machine(Principal who) {
    return ((MachinePrincipal) who).id();
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

  private TaskStatus markStarted(MachineId caller, TaskId task, String tokenText) {
    long token = WireMapping.token(tokenText, "token");
    ownAttempt(caller, task, token);
    return fleet.dispatcher().started(task, token);
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
  private List<Wire.ResultOutcome> batch(List<?> items, String field, IntFunction<BatchItem> item,
      IntFunction<String> taskOf) {
    WireMapping.required(items, field);
    if (items.size() > limits.maxTasksPerRequest()) {
      throw Problem.tooLarge("a batch may carry at most " + limits.maxTasksPerRequest() + " " + field + ", got "
          + items.size());
    }
    List<Wire.ResultOutcome> out = new ArrayList<>(items.size());
    boolean refused = false;
    for (int i = 0; i < items.size(); i++) {
      String task = taskOf.apply(i);
      try {
        WireMapping.required(items.get(i), field + "[" + i + "]");
        item.apply(i).apply();
        out.add(new Wire.ResultOutcome(task, 200, "accepted"));
      } catch (RuntimeException e) {
        Problem p = Responses.toProblem(e);
        if (p.status() >= 500) {
          throw e;
        }
        refused |= refusesAReport(e);
        out.add(new Wire.ResultOutcome(task, p.status(), p.detail()));
      }
    }
    if (refused) {
      confirmLeading.run(); // a deposed leader throws: the whole batch is answered 503 and sent again
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
}
