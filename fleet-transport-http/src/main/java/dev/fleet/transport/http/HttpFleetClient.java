package dev.fleet.transport.http;

import dev.fleet.transport.http.model.HeldClaim;
import dev.fleet.transport.http.model.JoinScope;
import dev.fleet.transport.http.model.CoordinatorsUnreachableException;
import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.transport.http.model.RemoteEvent;
import dev.fleet.Explanation;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskStatus;
import dev.fleet.transport.http.internal.Endpoint;
import dev.fleet.transport.http.internal.CoordinatorList;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.Secrets;
import dev.fleet.transport.http.internal.Wire;
import dev.fleet.transport.http.internal.WireMapping;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A client of a coordinator's {@code /v1} API with the client (admin) credential: submit and inspect work,
 * list machines, drain them. What {@code fleet submit}, {@code fleet status} and {@code fleet explain} use.
 *
 * <p>Thread-safe. Every call blocks until the coordinator answers, at most 10 seconds (a backup or a task's
 * output 60); a refusal throws {@link FleetHttpException} with the coordinator's explanation (e.g. 404
 * {@code unknown-task}, 404 {@code unknown-machine}, 429 {@code rate-limited}), a network failure or timeout
 * {@link java.io.UncheckedIOException} (with several coordinators, a {@link CoordinatorsUnreachableException}
 * once every one failed). Connecting sends nothing: the first call is the first request.
 */
public final class HttpFleetClient {
  private final JsonHttp http;
  private final String credential;
  private final Duration timeout;

  private HttpFleetClient(List<URI> coordinators, String credential, SSLContext ssl, Duration timeout) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.http = new JsonHttp(b.build(), new CoordinatorList(coordinators));
    this.credential = Secrets.checkConfigured("client credential", credential);
    this.timeout = timeout;
  }

  /**
   * A client of the coordinator at {@code coordinator} with the client credential; an https URL is trusted as
   * the JVM's default trust store says.
   *
   * @param coordinator the coordinator's base URL, e.g. {@code http://127.0.0.1:7420}
   * @param credential the client (admin) token the coordinator was built with
   * @return a client; nothing is sent yet
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the URL is not http(s) with a host, or the credential is not a
   *     well-formed secret (22 to 512 printable ASCII characters)
   */
  public static HttpFleetClient connect(URI coordinator, String credential) {
    return connect(List.of(Objects.requireNonNull(coordinator, "coordinator")), credential);
  }

  /**
   * The same over TLS with the given trust, e.g. one that trusts a coordinator's self-signed certificate.
   *
   * @param coordinator the coordinator's base URL, {@code https://...}
   * @param credential the client (admin) token the coordinator was built with
   * @param ssl the TLS context whose trust managers decide which certificates are accepted
   * @return a client; nothing is sent yet
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the URL is not http(s) with a host, or the credential is not a
   *     well-formed secret
   */
  public static HttpFleetClient connect(URI coordinator, String credential, SSLContext ssl) {
    return connect(List.of(Objects.requireNonNull(coordinator, "coordinator")), credential, ssl);
  }

  /**
   * A client of replicated coordinators: each call goes to the leader as far as the client knows, follows a
   * follower's redirect to the leader, and passes over a coordinator that cannot be reached (or knows no leader)
   * for the next of the list. When every one failed, the call throws a {@link CoordinatorsUnreachableException}
   * naming each URL and why.
   *
   * @param coordinators the coordinators' base URLs, tried in this order until one answers
   * @param credential the client (admin) token, the same on every coordinator
   * @return a client; nothing is sent yet
   * @throws NullPointerException if an argument or a URL is null
   * @throws IllegalArgumentException if the list is empty, a URI is not http(s) with a host, or the credential is
   *     not a well-formed secret
   */
  public static HttpFleetClient connect(List<URI> coordinators, String credential) {
    return new HttpFleetClient(coordinators, credential, null, Duration.ofSeconds(10));
  }

  /**
   * The same over TLS with the given trust.
   *
   * @param coordinators the coordinators' base URLs, tried in this order until one answers
   * @param credential the client (admin) token, the same on every coordinator
   * @param ssl the TLS context whose trust managers decide which certificates are accepted
   * @return a client; nothing is sent yet
   * @throws NullPointerException if an argument or a URL is null
   * @throws IllegalArgumentException if the list is empty, a URI is not http(s) with a host, or the credential is
   *     not a well-formed secret
   */
  public static HttpFleetClient connect(List<URI> coordinators, String credential, SSLContext ssl) {
    return new HttpFleetClient(coordinators, credential, Objects.requireNonNull(ssl, "ssl"), Duration.ofSeconds(10));
  }

  /**
   * The coordinator this client asks first now: the leader, as far as it knows. Changes as calls are redirected
   * or pass over a coordinator that failed.
   *
   * @return one of the URLs given to {@code connect}, or a leader's URL a follower named
   */
  public URI coordinator() {
    return http.base();
  }

  /**
   * The coordinators, their roles and the term, from {@code GET /v1/coordinators}; empty from a coordinator of a
   * version that does not answer it (404).
   *
   * @return the group as the answering coordinator sees it
   */
  public Optional<RemoteCoordinators> coordinators() {
    CoordinatorsAnswer a;
    try {
      a = call("GET", Endpoint.COORDINATORS.path(), null, CoordinatorsAnswer.class);
    } catch (FleetHttpException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    List<RemoteCoordinators.Node> nodes = new ArrayList<>();
    for (CoordinatorsAnswer.NodeDto n : a.coordinators() == null ? List.<CoordinatorsAnswer.NodeDto>of()
        : a.coordinators()) {
      nodes.add(new RemoteCoordinators.Node(n.name() == null ? "?" : n.name(), URI.create(n.url()),
          n.role() == null ? "unknown" : n.role()));
    }
    return Optional.of(new RemoteCoordinators(a.self() == null ? "?" : a.self(), Optional.ofNullable(a.leader()),
        a.term() == null ? 0 : a.term(), nodes));
  }

  /** The answer of {@code GET /v1/coordinators}, as the client reads it. */
  record CoordinatorsAnswer(String self, String leader, Long term, List<NodeDto> coordinators) {
    record NodeDto(String name, String url, String role) {}
  }

  /**
   * Submits tasks in one request ({@code POST /v1/tasks}). Nothing is submitted if the request is refused, e.g.
   * for a task the coordinator cannot read (400), an id already submitted with different content (409
   * {@code duplicate-task}), or more tasks than its limit (413). Submitting a task again unchanged is harmless.
   *
   * @param tasks the tasks, at least one
   * @return one decision per task, in the order given
   * @throws FleetHttpException if the coordinator refuses the submission; then none of the tasks was submitted
   */
  public List<RemoteDecision> submit(List<Task> tasks) {
    List<Wire.TaskDto> dtos = new ArrayList<>();
    for (Task t : tasks) {
      dtos.add(WireMapping.dto(t));
    }
    Wire.SubmitResponse r = call("POST", Endpoint.SUBMIT.path(), new Wire.SubmitRequest(dtos), Wire.SubmitResponse.class);
    List<RemoteDecision> out = new ArrayList<>();
    for (Wire.DecisionDto d : r.decisions()) {
      out.add(new RemoteDecision(new TaskId(d.task()),
          RemoteDecision.Outcome.valueOf(d.outcome().toUpperCase(Locale.ROOT)),
          Optional.ofNullable(d.machine()).map(MachineId::new), d.attempt() == null ? 0 : d.attempt(),
          WireMapping.explanation(d.why())));
    }
    return out;
  }

  /**
   * The task's status ({@code GET /v1/tasks/{id}}).
   *
   * @param task the task's id
   * @return its state, attempts and result; empty if the coordinator does not know it
   */
  public Optional<TaskStatus> task(TaskId task) {
    try {
      return Optional.of(WireMapping.taskStatus(call("GET", Endpoint.TASK.path(task.toString()), null, Wire.TaskStatusDto.class)));
    } catch (FleetHttpException e) {
      if (e.status() == 404 && e.kind().equals("unknown-task")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Cancels a task: a queued one never runs, a running attempt is withdrawn from its machine.
   *
   * @param task the task's id
   * @return true if it was cancelled now; false if it had already finished
   * @throws FleetHttpException 404 {@code unknown-task} if the coordinator does not know it
   */
  public boolean cancel(TaskId task) {
    return call("POST", Endpoint.CANCEL.path(task.toString()), null, Wire.CancelResponse.class).cancelled();
  }

  /**
   * Why the task is where it is ({@code GET /v1/tasks/{id}/explanation}): for a queued task, each machine's
   * verdict now.
   *
   * @param task the task's id
   * @return the coordinator's explanation
   * @throws FleetHttpException 404 {@code unknown-task} if the coordinator does not know it
   */
  public Explanation explain(TaskId task) {
    return WireMapping.explanation(call("GET", Endpoint.EXPLAIN.path(task.toString()), null, Wire.ExplanationDto.class));
  }

  /**
   * Every machine ({@code GET /v1/machines}), in registration order.
   *
   * @return each machine's status, suspicion, connection and tasks
   */
  public List<RemoteMachine> machines() {
    List<RemoteMachine> out = new ArrayList<>();
    for (Wire.MachineStatusDto d : call("GET", Endpoint.MACHINES.path(), null, Wire.MachineStatusDto[].class)) {
      out.add(remote(d));
    }
    return out;
  }

  /**
   * The queued tasks ({@code GET /v1/queue}) in dispatch order, each with a fresh explanation.
   *
   * @return the queue, first to be dispatched first; empty when nothing waits
   */
  public List<TaskStatus> queue() {
    List<TaskStatus> out = new ArrayList<>();
    for (Wire.TaskStatusDto d : call("GET", Endpoint.QUEUE.path(), null, Wire.TaskStatusDto[].class)) {
      out.add(WireMapping.taskStatus(d));
    }
    return out;
  }

  /**
   * Stops giving the machine new work. What it runs may finish; with a deadline, what still runs then is moved
   * to other machines as new attempts.
   *
   * @param machine the machine to drain
   * @param deadline how long its running work may go on (sent in milliseconds); empty to let it finish
   * @return the machine as it is now, draining
   * @throws FleetHttpException 404 {@code unknown-machine} if it is not registered
   */
  public RemoteMachine drain(MachineId machine, Optional<Duration> deadline) {
    return remote(call("POST", Endpoint.DRAIN.path(machine.toString()),
        new Wire.DrainRequest(deadline.map(Duration::toMillis).orElse(null)), Wire.MachineStatusDto.class));
  }

  /**
   * Ends a drain: the machine takes work again, if it is still heartbeating.
   *
   * @param machine the drained machine
   * @return the machine as it is now
   * @throws FleetHttpException 404 {@code unknown-machine} if it is not registered
   */
  public RemoteMachine undrain(MachineId machine) {
    return remote(call("POST", Endpoint.UNDRAIN.path(machine.toString()), null, Wire.MachineStatusDto.class));
  }

  /**
   * Removes a machine and invalidates its credential, as {@link HttpCoordinator#removeMachine} does: its work
   * moves elsewhere, and it may join again with a valid join token.
   *
   * @param machine the machine to remove
   * @throws FleetHttpException 404 {@code unknown-machine} if it was neither registered nor held a credential
   */
  public void removeMachine(MachineId machine) {
    call("DELETE", Endpoint.REMOVE_MACHINE.path(machine.toString()), null, Wire.RemovedResponse.class);
  }

  /**
   * The fleet's active rules as plain sentences, generated from its live configuration ({@code GET /v1/rules}).
   *
   * @return the rules text, several lines
   */
  public String rules() {
    return call("GET", Endpoint.RULES.path(), null, Wire.RulesDto.class).rules();
  }

  /**
   * The JSON document the coordinator answers a client {@code GET} of {@code path} with (such as
   * {@code v1/machines} or {@code v1/tasks?limit=5}), as text and unchanged: for a tool that passes the API's own
   * answer on, with its field names ({@code fleet status -o json}). A refusal throws {@link FleetHttpException}
   * as every call does.
   *
   * @param path a path of the API below {@code v1/}, with its query if any, without a leading slash
   * @return the answer's body, decoded as UTF-8
   * @throws NullPointerException if {@code path} is null
   * @throws IllegalArgumentException if {@code path} is not a path below {@code v1/}
   */
  public String getJson(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("v1/") || path.contains("://") || path.contains("..")) {
      throw new IllegalArgumentException("path must be a path of the API below v1/, such as v1/machines, got '"
          + path + "'");
    }
    return new String(call("GET", path, null, byte[].class), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * A consistent copy of the fleet's durable state ({@code GET /v1/backup}), in the format
   * {@code FileJournal.restore} reads. Held in memory whole; a personal fleet's state is small.
   *
   * @return the backup's bytes
   * @throws FleetHttpException 501 {@code no-backup} if the fleet cannot take backups
   */
  public byte[] backup() {
    return http.call("GET", Endpoint.BACKUP.path(), credential, null, byte[].class, timeout.multipliedBy(6));
  }

  /**
   * Replaces the fleet's join token, as {@link HttpCoordinator#rotateJoinToken()} does; the old one is refused
   * from now on. Joined machines keep their credentials.
   *
   * @return the new join token, shown only now
   */
  public String rotateJoinToken() {
    return call("POST", Endpoint.ROTATE_JOIN_TOKEN.path(), null, Wire.JoinTokenDto.class).joinToken();
  }

  private static RemoteMachine remote(Wire.MachineStatusDto d) {
    MachineStatus s = WireMapping.machineStatus(d);
    List<TaskId> tasks = new ArrayList<>();
    for (String t : d.tasks() == null ? List.<String>of() : d.tasks()) {
      tasks.add(new TaskId(t));
    }
    return new RemoteMachine(s, d.suspicion(), d.connected(), tasks);
  }

  private <T> T call(String method, String path, Object body, Class<T> type) {
    return http.call(method, path, credential, body, type, timeout);
  }

  /**
   * The tasks the coordinator knows (live ones and the finished ones it remembers) that match the filter: the
   * newest {@link TaskFilter#limit()} of them, in submission order.
   *
   * @param filter which tasks; {@link TaskFilter#all()} for every one
   * @return the matching tasks, without payloads or outputs
   */
  public List<TaskSummary> tasks(TaskFilter filter) {
    StringBuilder q = new StringBuilder(Endpoint.LIST_TASKS.path()).append("?limit=").append(filter.limit());
    for (dev.fleet.TaskState s : filter.states()) {
      q.append("&state=").append(s.name().toLowerCase(Locale.ROOT));
    }
    filter.machine().ifPresent(m -> q.append("&machine=").append(encode(m.value())));
    filter.capability().ifPresent(c -> q.append("&capability=").append(encode(c)));
    List<TaskSummary> out = new ArrayList<>();
    for (Wire.TaskSummaryDto d : call("GET", q.toString(), null, Wire.TaskListDto.class).tasks()) {
      out.add(new TaskSummary(new TaskId(d.id()), d.title() == null ? "" : d.title(),
          dev.fleet.TaskState.valueOf(d.state().toUpperCase(Locale.ROOT)), Optional.ofNullable(d.machine())
              .map(MachineId::new), d.attempt(), d.maxAttempts(), dev.fleet.Priority.valueOf(d.priority()
              .toUpperCase(Locale.ROOT)), new java.util.LinkedHashSet<>(d.requires() == null ? List.of()
              : d.requires()), Optional.ofNullable(d.role()), Optional.ofNullable(d.sinceDispatchMillis())
              .map(Duration::ofMillis), Optional.ofNullable(d.succeeded()), d.outputBytes() == null
              ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(d.outputBytes()),
          d.summary() == null ? "" : d.summary()));
    }
    return out;
  }

  /**
   * The output of the task's accepted result: the bytes its machine reported, with their media type.
   *
   * @throws FleetHttpException 404 {@code no-output} (the detail says where the task is) if it has no result
   *     yet or ended without one, 404 {@code unknown-task} if the coordinator does not know it
   * @param task the task's id
   * @return the output's bytes and media type
   */
  public dev.fleet.Payload output(TaskId task) {
    JsonHttp.Raw raw = http.raw(Endpoint.OUTPUT.path(encode(task.value())), credential, timeout.multipliedBy(6));
    return new dev.fleet.Payload(raw.body(), raw.contentType());
  }

  /**
   * The newest {@code backlog} events the coordinator holds (at most its history), oldest first; does not wait
   * for more.
   *
   * @param backlog how many of the newest events to return, at least 0
   * @return the events, oldest first
   * @throws IllegalArgumentException if {@code backlog} is negative
   * @throws InterruptedException if the thread is interrupted while it reads them
   */
  public List<RemoteEvent> recentEvents(int backlog) throws InterruptedException {
    return recentEvents(java.util.OptionalLong.empty(), backlog);
  }

  /**
   * The events the coordinator holds after {@code lastEventId} (first a {@link RemoteEvent.Gap} if some of them
   * are no longer held, or it restarted since), or without one the newest {@code backlog}; oldest first. Does
   * not wait for more.
   *
   * @param lastEventId the id of the last event the caller has, e.g. what {@link #events} returned; empty for
   *     none
   * @param backlog how many of the newest events to return when there is no {@code lastEventId}, at least 0
   * @return the events, oldest first
   * @throws NullPointerException if {@code lastEventId} is null
   * @throws IllegalArgumentException if {@code backlog} is negative
   * @throws InterruptedException if the thread is interrupted while it reads them
   */
  public List<RemoteEvent> recentEvents(java.util.OptionalLong lastEventId, int backlog)
      throws InterruptedException {
    Objects.requireNonNull(lastEventId, "lastEventId");
    if (backlog < 0) {
      throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
    }
    return follower().recent(lastEventId, backlog);
  }

  /**
   * Follows the coordinator's event stream, handing each event to {@code consumer} in order, until it returns
   * false or the thread is interrupted: from after {@code lastEventId} if given, else from now. A lost stream is
   * opened again (the consumer first gets a {@link RemoteEvent.Reconnecting}) and resumed after the last event
   * handed over, so none is missed or handed over twice; where the coordinator no longer holds the events
   * missed, or restarted, the consumer gets a {@link RemoteEvent.Gap}. Runs on the calling thread, which also
   * calls the consumer; the pause before a reconnection grows from 250 ms to 15 s.
   *
   * @param lastEventId the id to resume after, e.g. what an earlier call returned; empty to start from now
   * @param consumer gets each event in order; returns false to stop following
   * @return the id to resume after next time; empty if no event was handed over and none was given
   * @throws NullPointerException if an argument is null
   * @throws FleetHttpException if the coordinator refuses the stream (a wrong credential, a bad id), or refuses
   *     the first try for any reason (such as too many streams)
   * @throws java.io.UncheckedIOException if the coordinator cannot be reached on the first try
   * @throws InterruptedException if the thread is interrupted; events handed over so far carry their ids
   */
  public java.util.OptionalLong events(java.util.OptionalLong lastEventId,
      java.util.function.Predicate<? super RemoteEvent> consumer) throws InterruptedException {
    return events(lastEventId, 0, consumer);
  }

  /**
   * As {@link #events(java.util.OptionalLong, java.util.function.Predicate)}, but a stream that does not resume
   * starts with the newest {@code backlog} events the coordinator holds.
   *
   * @param lastEventId the id to resume after, e.g. what an earlier call returned; empty to start from now
   * @param backlog how many of the newest events to start with when there is no {@code lastEventId}, at least 0
   * @param consumer gets each event in order; returns false to stop following
   * @return the id to resume after next time; empty if no event was handed over and none was given
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code backlog} is negative
   * @throws FleetHttpException if the coordinator refuses the stream, or refuses the first try for any reason
   * @throws java.io.UncheckedIOException if the coordinator cannot be reached on the first try
   * @throws InterruptedException if the thread is interrupted; events handed over so far carry their ids
   */
  public java.util.OptionalLong events(java.util.OptionalLong lastEventId, int backlog,
      java.util.function.Predicate<? super RemoteEvent> consumer) throws InterruptedException {
    Objects.requireNonNull(lastEventId, "lastEventId");
    Objects.requireNonNull(consumer, "consumer");
    if (backlog < 0) {
      throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
    }
    return follower().follow(lastEventId, backlog, consumer);
  }

  private dev.fleet.transport.http.internal.EventFollower follower() {
    return new dev.fleet.transport.http.internal.EventFollower(http.client(), http.coordinators(), credential,
        timeout);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ scoped join tokens and approvals

  /**
   * A scoped join token as listed: its scope, and how many known machines joined with it.
   *
   * <p>Immutable and thread-safe.
   *
   * @param scope the token's name and what it lets a machine claim; never its secret
   * @param machines how many machines the fleet still knows that joined with it
   */
  public record ListedJoinToken(JoinScope scope, int machines) {}

  /**
   * Makes a scoped join token ({@code POST /v1/join-tokens}); returns its secret, shown only now.
   *
   * @param scope the new token's name and what machines that join with it may claim
   * @return the token's secret; the coordinator keeps only its hash
   * @throws FleetHttpException 409 {@code join-token-exists} if one of that name exists
   */
  public String createJoinToken(JoinScope scope) {
    return call("POST", Endpoint.CREATE_JOIN_TOKEN.path(), dev.fleet.transport.http.internal.ScopeMapping.request(scope),
        Wire.CreatedJoinTokenDto.class).joinToken();
  }

  /**
   * The scoped join tokens ({@code GET /v1/join-tokens}), by name, without their secrets.
   *
   * @return each token's scope and how many machines joined with it; empty when there are none
   */
  public List<ListedJoinToken> joinTokens() {
    List<ListedJoinToken> out = new ArrayList<>();
    for (Wire.JoinScopeDto d : call("GET", Endpoint.JOIN_TOKENS.path(), null, Wire.JoinScopeDto[].class)) {
      out.add(new ListedJoinToken(dev.fleet.transport.http.internal.ScopeMapping.scope(d), d.machines()));
    }
    return out;
  }

  /**
   * Revokes a scoped join token; machines that joined with it keep their credentials.
   *
   * @param name the token's name, as in its {@link JoinScope}
   * @throws FleetHttpException 404 {@code unknown-join-token} if none has that name
   */
  public void revokeJoinToken(String name) {
    call("DELETE", Endpoint.REVOKE_SCOPED_JOIN_TOKEN.path(encode(name)), null, java.util.Map.class);
  }

  /**
   * The claims waiting for the operator's approval ({@code GET /v1/approvals}): machines that joined again
   * asking for more than they were trusted with, under {@link dev.fleet.transport.http.model.ClaimPolicy#HOLD}.
   *
   * @return the held claims; empty when none waits
   */
  public List<HeldClaim> approvals() {
    List<HeldClaim> out = new ArrayList<>();
    for (Wire.HeldClaimDto d : call("GET", Endpoint.APPROVALS.path(), null, Wire.HeldClaimDto[].class)) {
      out.add(dev.fleet.transport.http.internal.ScopeMapping.claim(d));
    }
    return out;
  }

  /**
   * Approves the machine's waiting claim; returns what that did.
   *
   * @param machine the machine whose claim waits
   * @return the coordinator's one-line account of what changed
   * @throws FleetHttpException 404 {@code no-claim} if none waits
   */
  public String approve(MachineId machine) {
    return call("POST", Endpoint.APPROVE.path(machine.toString()), null, Wire.ApprovedDto.class).detail();
  }

  /**
   * Drops the machine's waiting claim without approving it.
   *
   * @param machine the machine whose claim waits
   * @throws FleetHttpException 404 {@code no-claim} if none waits
   */
  public void dismissClaim(MachineId machine) {
    call("DELETE", Endpoint.DISMISS_CLAIM.path(machine.toString()), null, java.util.Map.class);
  }

  /**
   * The live registry in the seed's file format ({@code GET /v1/registry}), as the coordinator wrote it: read it
   * with {@code dev.fleet.json.RegistryJson}.
   *
   * @return the registry document, as JSON text
   */
  public String registry() {
    byte[] body = http.call("GET", Endpoint.REGISTRY.path(), credential, null, byte[].class, timeout);
    return new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * What {@link #importRegistry} did: the machines registered, and those the fleet had already, in file order.
   *
   * <p>Immutable and thread-safe.
   *
   * @param imported the machines registered now
   * @param skipped the machines the fleet had already, left as they were
   */
  public record RegistryImport(List<MachineId> imported, List<MachineId> skipped) {
    /**
     * Copies the lists.
     *
     * @param imported the machines registered now
     * @param skipped the machines the fleet had already
     * @throws NullPointerException if a list or one of its machines is null
     */
    public RegistryImport {
      imported = List.copyOf(imported);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * Registers the machines of a registry document (the seed's file format) that the fleet does not have yet,
   * each with its {@code last_heartbeat} ({@code POST /v1/registry}); all or none.
   *
   * @throws IllegalArgumentException if {@code json} is not JSON at all
   * @throws FleetHttpException 400 {@code bad-registry} naming the bad entry, or 409 {@code fleet-full}; then
   *     nothing was registered
   * @param json a registry document in the seed's file format
   * @return which machines were registered and which the fleet had already
   */
  public RegistryImport importRegistry(String json) {
    Object document;
    try {
      document = tools.jackson.databind.json.JsonMapper.shared().readTree(json);
    } catch (tools.jackson.core.JacksonException e) {
      throw new IllegalArgumentException("the registry is not JSON: " + e.getOriginalMessage(), e);
    }
    Wire.RegistryImportDto d = call("POST", Endpoint.IMPORT_REGISTRY.path(), document, Wire.RegistryImportDto.class);
    return new RegistryImport(d.imported().stream().map(MachineId::new).toList(),
        d.skipped().stream().map(MachineId::new).toList());
  }

  /**
   * The fleet's capacity report over the last {@code window} ({@code GET /v1/capacity}): advice in plain sentences
   * with the numbers behind it, and how each capability and role was used.
   *
   * @param window how far back to look, in whole seconds, at least 1 second
   * @return the coordinator's report
   * @throws NullPointerException if {@code window} is null
   * @throws IllegalArgumentException if {@code window} is under 1 second
   */
  public dev.fleet.CapacityReport capacity(Duration window) {
    long seconds = java.util.Objects.requireNonNull(window, "window").getSeconds();
    if (seconds < 1) {
      throw new IllegalArgumentException("capacity window must be at least 1s, got " + window);
    }
    return dev.fleet.transport.http.internal.CapacityWire.fromDto(
        call("GET", Endpoint.CAPACITY.path() + "?window=" + seconds + "s", null, Wire.CapacityDto.class));
  }

  /**
   * What the fleet's recorded tasks of the last {@code window} would have waited with {@code add} added and
   * {@code remove} taken away ({@code POST /v1/capacity/what-if}), replayed by the coordinator. Of each machine
   * added, its id, role, capabilities and slots are sent.
   *
   * @param window how far back the recorded tasks go (sent in milliseconds)
   * @param add machines to add
   * @param remove machines of the fleet to take away
   * @return how the tasks' waits would have changed
   * @throws NullPointerException if {@code window}, {@code add} or {@code remove} is null
   * @throws FleetHttpException 400 if the coordinator refuses the question, e.g. a window under one second
   */
  public dev.fleet.CapacityWhatIf capacityWhatIf(Duration window, List<dev.fleet.Machine> add,
      List<MachineId> remove) {
    Objects.requireNonNull(window, "window");
    Wire.CapacityWhatIfRequest body = new Wire.CapacityWhatIfRequest(window.toMillis(),
        dev.fleet.transport.http.internal.CapacityWire.dtos(add), remove.stream().map(MachineId::value).toList());
    return dev.fleet.transport.http.internal.CapacityWire.fromDto(
        call("POST", Endpoint.CAPACITY_WHAT_IF.path(), body, Wire.CapacityWhatIfDto.class), List.copyOf(add));
  }
}
