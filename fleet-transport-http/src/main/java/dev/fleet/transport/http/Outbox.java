package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.MachineId;
import dev.fleet.TaskResult;
import dev.fleet.transport.http.HttpAgent.State;
import dev.fleet.transport.http.internal.Endpoint;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.Wire;
import dev.fleet.transport.http.internal.WireMapping;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What an agent reports: attempts that started and results, each kind in batches, one request at a time. A
 * started report that is lost is not sent again (the result says the attempt ran); a result is sent until the
 * coordinator answers it, across reconnects. An attempt the coordinator refuses is stopped.
 *
 * <p>Confined to the agent's control thread, except {@link #reported()}.
 */
final class Outbox {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());
  private static final int BATCH = 256;

  private final MachineId machine;
  private final AgentSession session;
  private final WorkerSlots slots;
  private final JsonHttp http;
  private final ScheduledExecutorService control;
  private final Duration requestTimeout;
  private final Backoff backoff;
  private final ArrayDeque<AgentJob> pendingResults = new ArrayDeque<>();
  private final ArrayDeque<AgentJob> pendingStarted = new ArrayDeque<>();
  private boolean startedInFlight;
  private boolean resultsInFlight;
  private int resultFailures;
  private volatile int reported;

  /**
   * An empty outbox for one agent's reports.
   *
   * @param machine the agent's machine, for log lines
   * @param session whose state decides whether a report may go out
   * @param slots told when the coordinator answered a result
   * @param http the client that follows the leader among the coordinators
   * @param control the agent's control thread, where every queue and answer is handled
   * @param requestTimeout how long one report may take
   * @param backoff the retry delays after a failed report
   */
  Outbox(MachineId machine, AgentSession session, WorkerSlots slots, JsonHttp http, ScheduledExecutorService control,
      Duration requestTimeout, Backoff backoff) {
    this.machine = machine;
    this.session = session;
    this.slots = slots;
    this.http = http;
    this.control = control;
    this.requestTimeout = requestTimeout;
    this.backoff = backoff;
  }

  /**
   * How many results the coordinator has answered so far; any thread.
   *
   * @return the count since the agent started
   */
  int reported() {
    return reported;
  }

  /**
   * Queues a started report. Reports go to the coordinator in batches, one request at a time; an attempt that
   * finished before its turn came is left out, as its result says it started. Control thread only.
   *
   * @param job the attempt that started
   */
  void queueStarted(AgentJob job) {
    if (job.cancelled != null || session.state() == State.CLOSED || job.phase != AgentJob.Phase.RUNNING) {
      return; // a task that finished already goes straight to its result
    }
    pendingStarted.addLast(job);
    flushStarted();
  }

  private void flushStarted() {
    if (startedInFlight || pendingStarted.isEmpty() || session.state() != State.CONNECTED) {
      return;
    }
    List<AgentJob> batch = new ArrayList<>();
    List<Wire.StartedItem> items = new ArrayList<>();
    while (!pendingStarted.isEmpty() && batch.size() < BATCH) {
      AgentJob job = pendingStarted.pollFirst();
      if (job.cancelled != null || job.phase != AgentJob.Phase.RUNNING) {
        continue;
      }
      batch.add(job);
      items.add(new Wire.StartedItem(job.task.id().value(), WireMapping.token(job.token)));
    }
    if (batch.isEmpty()) {
      return;
    }
    startedInFlight = true;
    http.exchange("POST", Endpoint.STARTED_BATCH.path(), session.credential(), new Wire.StartedBatchRequest(items),
        Wire.StartedBatchResponse.class, requestTimeout, control, (r, err) -> startedDone(batch, r, err));
  }

  private void startedDone(List<AgentJob> batch, Wire.StartedBatchResponse response, Throwable err) {
    startedInFlight = false;
    if (session.state() == State.CLOSED) {
      return;
    }
    // A started report that is lost is not retried: the result, which is, says the attempt ran.
    if (err == null && response.outcomes() != null && response.outcomes().size() == batch.size()) {
      for (int i = 0; i < batch.size(); i++) {
        AgentJob job = batch.get(i);
        Wire.ResultOutcome o = response.outcomes().get(i);
        boolean refused = o.status() == 409 || o.status() == 404 || o.status() == 403;
        if (refused && job.phase == AgentJob.Phase.RUNNING) {
          slots.withdrawn(job.token, "the coordinator refused it: " + o.detail());
        }
      }
    } else if (err instanceof FleetHttpException f && f.status() == 404 && "no-such-endpoint".equals(f.kind())) {
      startedOneByOne(batch); // a coordinator older than the batch endpoint
      return;
    }
    flushStarted();
  }

  /** Reports each attempt started on its own, for a coordinator without {@code POST /v1/started}. */
  private void startedOneByOne(List<AgentJob> batch) {
    for (AgentJob job : batch) {
      if (job.cancelled != null || job.phase != AgentJob.Phase.RUNNING) {
        continue;
      }
      http.exchange("POST", Endpoint.STARTED.path(job.task.id().toString()), session.credential(),
          new Wire.StartedRequest(WireMapping.token(job.token)), Void.class, requestTimeout, control, (r, e) -> {
            if (e instanceof FleetHttpException f && (f.status() == 409 || f.status() == 404 || f.status() == 403)
                && job.phase == AgentJob.Phase.RUNNING) {
              slots.withdrawn(job.token, "the coordinator refused it: " + f.detail());
            }
          });
    }
    flushStarted();
  }

  /**
   * Queues a finished attempt's result; results go to the coordinator in batches, one request at a time.
   * Control thread only.
   *
   * @param job the attempt whose result is set
   */
  void queueResult(AgentJob job) {
    if (job.cancelled != null || session.state() == State.CLOSED) {
      return;
    }
    pendingResults.addLast(job);
    flushResults();
  }

  /**
   * Sends the queued results, if none are in flight and the agent has joined; called again once the coordinator
   * can be reached. Control thread only.
   */
  void flushResults() {
    State state = session.state();
    if (resultsInFlight || pendingResults.isEmpty() || (state != State.CONNECTED && state != State.DISCONNECTED)) {
      return;
    }
    List<AgentJob> batch = new ArrayList<>();
    List<Wire.ResultItem> items = new ArrayList<>();
    while (!pendingResults.isEmpty() && batch.size() < BATCH) {
      AgentJob job = pendingResults.pollFirst();
      if (job.cancelled != null) {
        continue;
      }
      TaskResult r = job.result;
      batch.add(job);
      items.add(new Wire.ResultItem(job.task.id().value(), WireMapping.token(job.token), r.succeeded(),
          WireMapping.dto(r.output()), r.message().isEmpty() ? null : r.message()));
    }
    if (batch.isEmpty()) {
      return;
    }
    resultsInFlight = true;
    http.exchange("POST", Endpoint.RESULTS.path(), session.credential(), new Wire.ResultsRequest(items),
        Wire.ResultsResponse.class, requestTimeout, control, (r, err) -> resultsDone(batch, r, err));
  }

  private void resultsDone(List<AgentJob> batch, Wire.ResultsResponse response, Throwable err) {
    resultsInFlight = false;
    if (session.state() == State.CLOSED) {
      return;
    }
    if (err != null || response.outcomes() == null || response.outcomes().size() != batch.size()) {
      for (int i = batch.size() - 1; i >= 0; i--) {
        pendingResults.addFirst(batch.get(i));
      }
      if (err instanceof FleetHttpException f && f.status() == 401) {
        session.rejoin("the coordinator does not know this machine's credential");
      } else {
        LOG.log(Level.DEBUG, () -> machine + ": reporting " + batch.size() + " results failed (" + err
            + "); retrying");
      }
      control.schedule(this::flushResults, backoff.after(resultFailures++, err).toMillis(),
          TimeUnit.MILLISECONDS);
      return;
    }
    resultFailures = 0;
    for (int i = 0; i < batch.size(); i++) {
      AgentJob job = batch.get(i);
      Wire.ResultOutcome o = response.outcomes().get(i);
      if (o.status() == 429 || o.status() >= 500) {
        pendingResults.addLast(job);
        continue;
      }
      if (o.status() != 200) {
        LOG.log(o.status() == 400 ? Level.WARNING : Level.INFO, machine + ": result of " + job.task.id()
            + " attempt " + job.attempt + " refused: " + o.detail());
      }
      reported++;
      slots.reported(job);
    }
    flushResults();
  }
}
