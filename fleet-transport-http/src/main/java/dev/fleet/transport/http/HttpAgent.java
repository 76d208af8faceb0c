package dev.fleet.transport.http;

import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.RecentTokens;
import dev.fleet.transport.http.internal.Secrets;
import dev.fleet.transport.http.internal.Wire;
import dev.fleet.transport.http.internal.WireMapping;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The agent that runs on each machine: joins the coordinator, heartbeats on the interval the coordinator
 * asks for with signals from its {@link Probe}s, long-polls for work, runs each attempt with its
 * {@link TaskHandler} in a bounded number of slots, and reports started and results.
 *
 * <p>When the coordinator cannot be reached the agent keeps its running work, retries with backoff, and
 * reconnects with its credential as the same machine (the coordinator sends its outstanding work again;
 * attempts it already runs are not started twice). Once it is back, withdrawals tell it which of its work was
 * moved elsewhere meanwhile, and it stops those. A result the coordinator refuses as stale is dropped.
 *
 * <p>When the coordinator itself restarted (its answers name a new incarnation), the agent joins again with
 * its credential and reports the attempts it runs; the coordinator answers which of them are not current, and
 * the agent stops those. Message numbering starts afresh with the new incarnation, so nothing is skipped and
 * no acknowledgement from before the restart drops a message. A join with the join token carries a join key
 * the agent keeps for its life ({@link Builder#joinKey}), so a join whose answer was lost can be retried.
 *
 * <p>Background work the coordinator pauses (the machine's owner returned) is paused through its
 * {@link TaskContext} and the handler's {@link TaskHandler#paused} hook, and resumed likewise; paused work is left
 * out of the load the agent reports, and an attempt paused before it got a slot starts only once it resumes.
 *
 * <p>Thread-safe. Its own threads: one control thread (heartbeats, messages, reports; never blocks on the
 * network), {@code slots} worker threads for the handler, and the HTTP client's.
 */
public final class HttpAgent implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());
  private static final int REMEMBERED_TOKENS = 10_000;
  private static final int RESULT_BATCH = 256;
  /** How long an attempt runs before it is reported started; shorter ones are not reported until their result. */
  static final long STARTED_REPORT_DELAY_MILLIS = 50;

  /** Where the agent stands with its coordinator. */
  public enum State {
    /** Built, not started. */
    NEW,
    /** Joining (or rejoining). */
    JOINING,
    /** Joined and heartbeating. */
    CONNECTED,
    /** Joined before, but the coordinator cannot be reached now; retrying with backoff. */
    DISCONNECTED,
    /** The coordinator refused the join (bad or rotated token, machine id taken); retrying slowly. */
    REFUSED,
    /** Closed. */
    CLOSED
  }

  private final Machine machine;
  private final String joinToken;
  private final String joinKey;
  private final Consumer<String> onCredential;
  private final TaskHandler handler;
  private final int slots;
  private final List<Probe> probes;
  private final Ticker ticker;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Duration requestTimeout;
  private final JsonHttp http;
  private final ScheduledExecutorService control;
  private final ThreadPoolExecutor workers;
  private final ConcurrentHashMap<Long, Job> jobs = new ConcurrentHashMap<>();
  /** Attempts this agent has finished with, so one sent again is not run twice. Confined to the control thread. */
  private final RecentTokens finished = new RecentTokens(REMEMBERED_TOKENS);
  private final Set<Class<?>> failingProbes = new LinkedHashSet<>();

  // Confined to the control thread.
  private volatile State state = State.NEW;
  private volatile String credential;
  private int epoch;
  private long cursor;
  /** The coordinator run the cursor counts in; null before the first join or from a coordinator that names none. */
  private volatile String incarnation;
  private long sequence;
  private long intervalMillis;
  private long offlineAfterNanos;
  private long maxPollWaitMillis;
  private ScheduledFuture<?> ticks;
  private boolean heartbeatInFlight;
  private boolean pollInFlight;
  private int heartbeatFailures;
  private int joinFailures;
  private int pollFailures;
  private long nextHeartbeatNanos;
  private long lastAcceptedNanos;
  private boolean leaseLostLogged;
  private List<Probe.Reading> readings = List.of();
  private final ArrayDeque<Job> pendingResults = new ArrayDeque<>();
  private final ArrayDeque<Job> pendingStarted = new ArrayDeque<>();
  private boolean startedInFlight;
  private boolean resultsInFlight;
  private int resultFailures;

  private HttpAgent(Builder b) {
    this.machine = b.machine;
    this.joinToken = b.joinToken;
    this.joinKey = b.joinKey != null ? b.joinKey : Secrets.newSecret();
    this.credential = b.credential;
    this.onCredential = b.onCredential;
    this.handler = b.handler;
    this.slots = b.slots;
    this.probes = List.copyOf(b.probes);
    this.ticker = b.ticker;
    this.minBackoff = b.minBackoff;
    this.maxBackoff = b.maxBackoff;
    this.requestTimeout = b.requestTimeout;
    String name = "fleet-agent-" + machine.id();
    this.control = Executors.newSingleThreadScheduledExecutor(daemon(name, false));
    this.workers = new ThreadPoolExecutor(slots, slots, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        daemon(name + "-worker", true));
    // HTTP/1.1: the coordinator speaks nothing else, and a client that prefers HTTP/2 offers every new
    // connection an h2c upgrade first.
    HttpClient.Builder hc = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(b.requestTimeout)
        .executor(control);
    if (b.sslContext != null) {
      hc.sslContext(b.sslContext);
    }
    this.http = new JsonHttp(hc.build(), b.coordinator);
  }

  private static ThreadFactory daemon(String name, boolean numbered) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, numbered ? name + "-" + n.incrementAndGet() : name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Starts configuring an agent for a machine.
   *
   * @param coordinator the coordinator's URI, e.g. {@code https://coordinator.local:7070}
   * @param machine the registration this agent joins with; its id is the agent's identity across restarts
   */
  public static Builder newBuilder(URI coordinator, Machine machine) {
    return new Builder(coordinator, machine);
  }

  /** Starts joining; returns at once. */
  public HttpAgent start() {
    synchronized (this) {
      if (state != State.NEW) {
        throw new IllegalStateException("agent " + machine.id() + " was started already (it is " + state + ")");
      }
      state = State.JOINING;
    }
    control.execute(this::join);
    return this;
  }

  public MachineId id() {
    return machine.id();
  }

  public State state() {
    return state;
  }

  /** The machine's credential, once it has joined; keep it to reconnect after a restart. */
  public Optional<String> credential() {
    return Optional.ofNullable(credential);
  }

  /** The tasks this agent runs or holds for a slot now. */
  public List<TaskId> activeTasks() {
    List<TaskId> out = new ArrayList<>();
    for (Job j : jobs.values()) {
      if (j.phase == Phase.QUEUED || j.phase == Phase.RUNNING) {
        out.add(j.task.id());
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ joining

  private void join() {
    if (state == State.CLOSED) {
      return;
    }
    String bearer = credential != null ? credential : joinToken;
    boolean withCredential = credential != null;
    if (bearer == null) {
      state = State.REFUSED;
      LOG.log(Level.ERROR, machine.id() + ": the coordinator refused this machine's credential and it has no join "
          + "token; give it one to join again");
      return;
    }
    Wire.JoinRequest req = withCredential
        ? new Wire.JoinRequest(WireMapping.dto(machine), null, running())
        : new Wire.JoinRequest(WireMapping.dto(machine), joinKey, null);
    http.exchange("POST", "v1/join", bearer, req, Wire.JoinResponse.class,
        requestTimeout, control, (r, err) -> joined(r, err, withCredential));
  }

  /** The attempts this agent runs or holds for a slot, as a reconnect reports them. */
  private List<Wire.StartedItem> running() {
    List<Wire.StartedItem> out = new ArrayList<>();
    for (Job j : jobs.values()) {
      if ((j.phase == Phase.QUEUED || j.phase == Phase.RUNNING) && j.cancelled == null) {
        out.add(new Wire.StartedItem(j.task.id().value(), WireMapping.token(j.token)));
      }
    }
    return out;
  }

  private void joined(Wire.JoinResponse r, Throwable err, boolean withCredential) {
    if (state == State.CLOSED) {
      return;
    }
    if (err != null) {
      if (err instanceof FleetHttpException f && f.status() == 401 && withCredential) {
        LOG.log(Level.INFO, machine.id() + ": the coordinator no longer knows this machine's credential; joining "
            + "with the join token");
        credential = null;
        control.execute(this::join);
        return;
      }
      Duration wait;
      if (err instanceof FleetHttpException f && (f.status() == 401 || f.status() == 403 || f.status() == 409)) {
        Level level = state == State.REFUSED ? Level.DEBUG : Level.ERROR; // say it once, not every retry
        state = State.REFUSED;
        LOG.log(level, machine.id() + ": the coordinator refused to let this machine join: " + f.detail()
            + "; retrying every " + maxBackoff.toSeconds() + " s");
        wait = maxBackoff;
      } else {
        state = state == State.JOINING ? State.JOINING : State.DISCONNECTED;
        wait = backoff(joinFailures++);
        LOG.log(Level.DEBUG, () -> machine.id() + ": join failed (" + err + "); retrying in " + wait.toMillis() + " ms");
      }
      control.schedule(this::join, wait.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    joinFailures = 0;
    boolean changed = !r.credential().equals(credential);
    credential = r.credential();
    if (changed && onCredential != null) {
      try {
        onCredential.accept(credential);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, machine.id() + ": saving the credential failed", e);
      }
    }
    epoch++;
    cursor = r.cursor();
    incarnation = r.incarnation();
    if (r.withdrawn() != null) {
      for (Wire.WithdrawnItem w : r.withdrawn()) {
        try {
          withdrawn(WireMapping.token(w.token(), "token"), "the coordinator no longer runs it: " + w.reason());
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, machine.id() + ": ignoring a withdrawal it cannot read: " + e.getMessage());
        }
      }
    }
    offlineAfterNanos = Duration.ofMillis(r.offlineAfterMillis()).toNanos();
    maxPollWaitMillis = r.maxPollWaitMillis();
    lastAcceptedNanos = ticker.read();
    leaseLostLogged = false;
    heartbeatFailures = 0;
    nextHeartbeatNanos = 0;
    State before = state;
    state = State.CONNECTED;
    LOG.log(Level.INFO, machine.id() + (r.reconnected() ? " reconnected to " : " joined ") + http.base()
        + (before == State.DISCONNECTED ? " after losing it" : ""));
    if (ticks == null || intervalMillis != r.heartbeatIntervalMillis()) {
      if (ticks != null) {
        ticks.cancel(false);
      }
      intervalMillis = Math.max(1, r.heartbeatIntervalMillis());
      ticks = control.scheduleAtFixedRate(this::tick, 0, intervalMillis, TimeUnit.MILLISECONDS);
    } else {
      tick();
    }
    poll();
    flushResults();
  }

  private void rejoin(String why) {
    if (state == State.JOINING || state == State.CLOSED || state == State.REFUSED) {
      return;
    }
    LOG.log(Level.INFO, machine.id() + ": " + why + "; joining again");
    state = State.JOINING;
    control.execute(this::join);
  }

  // ------------------------------------------------------------------ heartbeats

  private void tick() {
    if (state == State.CLOSED || state == State.JOINING || state == State.REFUSED || heartbeatInFlight) {
      return;
    }
    long now = ticker.read();
    if (!leaseLostLogged && offlineAfterNanos > 0 && now - lastAcceptedNanos > offlineAfterNanos) {
      leaseLostLogged = true;
      LOG.log(Level.WARNING, machine.id() + ": no heartbeat accepted for longer than the coordinator's offline "
          + "timeout; its work may be moved elsewhere. Running work continues; what was moved is stopped when "
          + "the coordinator says so");
    }
    if (now < nextHeartbeatNanos) {
      return;
    }
    Signals signals = signals(); // first: it takes the probes' readings that load() uses
    Wire.HeartbeatRequest req = new Wire.HeartbeatRequest(sequence++, load(), WireMapping.dto(signals), cursor,
        incarnation);
    heartbeatInFlight = true;
    int sent = epoch;
    http.exchange("POST", "v1/heartbeat", credential, req, Wire.HeartbeatResponse.class, requestTimeout, control,
        (r, err) -> heartbeatDone(r, err, sent));
  }

  private void heartbeatDone(Wire.HeartbeatResponse r, Throwable err, int sentEpoch) {
    heartbeatInFlight = false;
    if (state == State.CLOSED || sentEpoch != epoch) {
      return;
    }
    if (err != null) {
      if (err instanceof FleetHttpException f && (f.status() == 401 || f.status() == 404)) {
        rejoin("the coordinator does not know this machine (" + f.detail() + ")");
        return;
      }
      if (state == State.CONNECTED) {
        LOG.log(Level.WARNING, machine.id() + ": lost the coordinator (" + err + "); retrying");
        state = State.DISCONNECTED;
      }
      nextHeartbeatNanos = ticker.read() + backoff(heartbeatFailures++).toNanos();
      return;
    }
    heartbeatFailures = 0;
    nextHeartbeatNanos = 0;
    lastAcceptedNanos = ticker.read();
    leaseLostLogged = false;
    if (restarted(r.incarnation())) {
      return;
    }
    if (state == State.DISCONNECTED) {
      LOG.log(Level.INFO, machine.id() + ": the coordinator is back");
      state = State.CONNECTED;
      poll();
      flushResults();
    }
    messages(r.messages());
  }

  private double load() {
    int busy = 0;
    for (Job j : jobs.values()) {
      if ((j.phase == Phase.QUEUED || j.phase == Phase.RUNNING) && !j.paused) {
        busy++; // paused work is not counted: the coordinator no longer counts it either
      }
    }
    double load = (double) busy / slots;
    for (Probe.Reading r : readings) {
      if (r.load().isPresent()) {
        load = Math.max(load, r.load().getAsDouble());
      }
    }
    return load;
  }

  private Signals signals() {
    List<Probe.Reading> out = new ArrayList<>(probes.size());
    for (Probe p : probes) {
      try {
        out.add(Objects.requireNonNull(p.read(), "probe returned null"));
      } catch (Exception e) {
        if (failingProbes.add(p.getClass())) {
          LOG.log(Level.WARNING, machine.id() + ": probe " + p + " failed; skipping it while it fails", e);
        }
      }
    }
    readings = out;
    boolean onBattery = false;
    boolean throttled = false;
    OptionalInt battery = OptionalInt.empty();
    Optional<Duration> ownerIdle = Optional.empty();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Probe.Reading r : out) {
      if (r.ownerIdle().isPresent() && (ownerIdle.isEmpty() || r.ownerIdle().get().compareTo(ownerIdle.get()) < 0)) {
        ownerIdle = r.ownerIdle();
      }
      onBattery |= r.onBattery().orElse(false);
      throttled |= r.throttled().orElse(false);
      if (r.batteryPercent().isPresent()
          && (battery.isEmpty() || r.batteryPercent().getAsInt() < battery.getAsInt())) {
        battery = r.batteryPercent();
      }
      metrics.putAll(r.metrics());
    }
    metrics.values().removeIf(v -> !Double.isFinite(v));
    return new Signals(onBattery, battery, throttled, ownerIdle, metrics);
  }

  // ------------------------------------------------------------------ long-poll

  private void poll() {
    if (pollInFlight || state != State.CONNECTED) {
      return;
    }
    pollInFlight = true;
    int sent = epoch;
    long wait = maxPollWaitMillis;
    String inc = incarnation;
    http.exchange("GET", "v1/assignments?ack=" + cursor + "&waitMillis=" + wait
        + (inc == null ? "" : "&incarnation=" + inc), credential, null,
        Wire.PollResponse.class, requestTimeout.plusMillis(wait), control, (r, err) -> pollDone(r, err, sent));
  }

  private void pollDone(Wire.PollResponse r, Throwable err, int sentEpoch) {
    pollInFlight = false;
    if (state == State.CLOSED) {
      return;
    }
    if (sentEpoch != epoch) {
      poll();
      return;
    }
    if (err != null) {
      if (err instanceof FleetHttpException f && (f.status() == 401 || f.status() == 404)) {
        rejoin("the coordinator does not know this machine (" + f.detail() + ")");
        return;
      }
      control.schedule(this::poll, backoff(pollFailures++).toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    pollFailures = 0;
    if (restarted(r.incarnation())) {
      return;
    }
    messages(r.messages());
    poll();
  }

  /**
   * Whether an answer comes from a coordinator run other than the one this agent joined: it restarted, its
   * message numbering with it, so the agent joins again (with its credential) before it reads any message.
   */
  private boolean restarted(String answered) {
    String joined = incarnation;
    if (answered == null || joined == null || answered.equals(joined)) {
      return false;
    }
    state = state == State.JOINING ? State.JOINING : State.DISCONNECTED;
    rejoin("the coordinator restarted");
    return true;
  }

  // ------------------------------------------------------------------ messages and jobs

  private void messages(List<Wire.MessageDto> messages) {
    if (messages == null) {
      return;
    }
    for (Wire.MessageDto m : messages) {
      if (m.seq() <= cursor) {
        continue;
      }
      cursor = m.seq();
      try {
        long token = WireMapping.token(m.token(), "token");
        if ("assign".equals(m.type())) {
          assigned(WireMapping.task(m.task(), "task"), m.attempt() == null ? 1 : m.attempt(), token);
        } else if ("withdraw".equals(m.type())) {
          withdrawn(token, m.reason() == null ? "withdrawn" : m.reason());
        } else if ("pause".equals(m.type()) || "resume".equals(m.type())) {
          pauseChanged(token, "pause".equals(m.type()), m.reason() == null ? m.type() : m.reason());
        } else {
          LOG.log(Level.WARNING, machine.id() + ": ignoring a message of unknown type '" + m.type() + "'");
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, machine.id() + ": ignoring a message it cannot read: " + e.getMessage());
      }
    }
  }

  private void assigned(Task task, int attempt, long token) {
    if (jobs.containsKey(token) || finished.contains(token)) {
      return; // sent again after a reconnect: this attempt is here already
    }
    Job job = new Job(task, attempt, token);
    jobs.put(token, job);
    job.future = workers.submit(() -> run(job));
  }

  private void withdrawn(long token, String reason) {
    finished.add(token);
    Job job = jobs.remove(token);
    if (job != null) {
      job.cancel(reason);
      LOG.log(Level.INFO, machine.id() + ": stopped " + job.task.id() + " attempt " + job.attempt + ": " + reason);
    }
  }

  /** A pause or resumption for an attempt this agent holds; one for an attempt it does not hold is ignored. */
  private void pauseChanged(long token, boolean pause, String reason) {
    Job job = jobs.get(token);
    if (job == null || job.cancelled != null || job.phase == Phase.REPORTING || job.phase == Phase.DONE
        || !job.setPaused(pause)) {
      return;
    }
    LOG.log(Level.INFO, machine.id() + ": " + (pause ? "paused " : "resumed ") + job.task.id() + " attempt "
        + job.attempt + ": " + reason);
    try {
      if (pause) {
        handler.paused(job, reason);
      } else {
        handler.resumed(job, reason);
      }
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, machine.id() + ": the task handler failed to " + (pause ? "pause " : "resume ")
          + job.task.id(), e);
    }
  }

  private void run(Job job) {
    if (job.cancelled != null) {
      return;
    }
    try {
      job.awaitResumed(); // paused before it got a slot: it starts when it may run
    } catch (InterruptedException e) {
      return; // withdrawn, or the agent stops
    }
    if (job.cancelled != null) {
      return;
    }
    job.phase = Phase.RUNNING;
    // Reported only if it is still running a moment later: a short task's result says it started, and a report
    // per task would double the agent's requests.
    control.schedule(() -> queueStarted(job), STARTED_REPORT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    TaskResult result;
    try {
      result = handler.run(job);
      if (result == null) {
        result = TaskResult.failure("the task handler returned no result");
      }
    } catch (InterruptedException e) {
      result = TaskResult.failure("interrupted");
    } catch (Exception | LinkageError | AssertionError e) {
      String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      result = TaskResult.failure(msg.length() > 2000 ? msg.substring(0, 2000) : msg);
    }
    if (job.cancelled != null) {
      return;
    }
    job.result = result;
    job.phase = Phase.REPORTING;
    control.execute(() -> queueResult(job));
  }

  /**
   * Queues a started report. Reports go to the coordinator in batches, one request at a time; an attempt that
   * finished before its turn came is left out, as its result says it started.
   */
  private void queueStarted(Job job) {
    if (job.cancelled != null || state == State.CLOSED || job.phase != Phase.RUNNING) {
      return; // a task that finished already goes straight to its result
    }
    pendingStarted.addLast(job);
    flushStarted();
  }

  private void flushStarted() {
    if (startedInFlight || pendingStarted.isEmpty() || state != State.CONNECTED) {
      return;
    }
    List<Job> batch = new ArrayList<>();
    List<Wire.StartedItem> items = new ArrayList<>();
    while (!pendingStarted.isEmpty() && batch.size() < RESULT_BATCH) {
      Job job = pendingStarted.pollFirst();
      if (job.cancelled != null || job.phase != Phase.RUNNING) {
        continue;
      }
      batch.add(job);
      items.add(new Wire.StartedItem(job.task.id().value(), WireMapping.token(job.token)));
    }
    if (batch.isEmpty()) {
      return;
    }
    startedInFlight = true;
    http.exchange("POST", "v1/started", credential, new Wire.StartedBatchRequest(items),
        Wire.StartedBatchResponse.class, requestTimeout, control, (r, err) -> startedDone(batch, r, err));
  }

  private void startedDone(List<Job> batch, Wire.StartedBatchResponse response, Throwable err) {
    startedInFlight = false;
    if (state == State.CLOSED) {
      return;
    }
    // A started report that is lost is not retried: the result, which is, says the attempt ran.
    if (err == null && response.outcomes() != null && response.outcomes().size() == batch.size()) {
      for (int i = 0; i < batch.size(); i++) {
        Job job = batch.get(i);
        Wire.ResultOutcome o = response.outcomes().get(i);
        boolean refused = o.status() == 409 || o.status() == 404 || o.status() == 403;
        if (refused && job.phase == Phase.RUNNING) {
          withdrawn(job.token, "the coordinator refused it: " + o.detail());
        }
      }
    } else if (err instanceof FleetHttpException f && f.status() == 404 && "no-such-endpoint".equals(f.kind())) {
      startedOneByOne(batch); // a coordinator older than the batch endpoint
      return;
    }
    flushStarted();
  }

  /** Reports each attempt started on its own, for a coordinator without {@code POST /v1/started}. */
  private void startedOneByOne(List<Job> batch) {
    for (Job job : batch) {
      if (job.cancelled != null || job.phase != Phase.RUNNING) {
        continue;
      }
      http.exchange("POST", "v1/tasks/" + job.task.id() + "/started", credential,
          new Wire.StartedRequest(WireMapping.token(job.token)), Void.class, requestTimeout, control, (r, e) -> {
            if (e instanceof FleetHttpException f && (f.status() == 409 || f.status() == 404 || f.status() == 403)
                && job.phase == Phase.RUNNING) {
              withdrawn(job.token, "the coordinator refused it: " + f.detail());
            }
          });
    }
    flushStarted();
  }

  /** Queues a finished attempt's result; results go to the coordinator in batches, one request at a time. */
  private void queueResult(Job job) {
    if (job.cancelled != null || state == State.CLOSED) {
      return;
    }
    pendingResults.addLast(job);
    flushResults();
  }

  private void flushResults() {
    if (resultsInFlight || pendingResults.isEmpty() || (state != State.CONNECTED && state != State.DISCONNECTED)) {
      return;
    }
    List<Job> batch = new ArrayList<>();
    List<Wire.ResultItem> items = new ArrayList<>();
    while (!pendingResults.isEmpty() && batch.size() < RESULT_BATCH) {
      Job job = pendingResults.pollFirst();
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
    http.exchange("POST", "v1/results", credential, new Wire.ResultsRequest(items), Wire.ResultsResponse.class,
        requestTimeout, control, (r, err) -> resultsDone(batch, r, err));
  }

  private void resultsDone(List<Job> batch, Wire.ResultsResponse response, Throwable err) {
    resultsInFlight = false;
    if (state == State.CLOSED) {
      return;
    }
    if (err != null || response.outcomes() == null || response.outcomes().size() != batch.size()) {
      for (int i = batch.size() - 1; i >= 0; i--) {
        pendingResults.addFirst(batch.get(i));
      }
      if (err instanceof FleetHttpException f && f.status() == 401) {
        rejoin("the coordinator does not know this machine's credential");
      } else {
        LOG.log(Level.DEBUG, () -> machine.id() + ": reporting " + batch.size() + " results failed (" + err
            + "); retrying");
      }
      control.schedule(this::flushResults, backoff(resultFailures++).toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    resultFailures = 0;
    for (int i = 0; i < batch.size(); i++) {
      Job job = batch.get(i);
      Wire.ResultOutcome o = response.outcomes().get(i);
      if (o.status() == 429 || o.status() >= 500) {
        pendingResults.addLast(job);
        continue;
      }
      if (o.status() != 200) {
        LOG.log(o.status() == 400 ? Level.WARNING : Level.INFO, machine.id() + ": result of " + job.task.id()
            + " attempt " + job.attempt + " refused: " + o.detail());
      }
      jobs.remove(job.token, job);
      finished.add(job.token);
      job.phase = Phase.DONE;
    }
    flushResults();
  }

  private Duration backoff(int failures) {
    double base = minBackoff.toMillis() * Math.pow(2, Math.min(failures, 20));
    double capped = Math.min(base, maxBackoff.toMillis());
    return Duration.ofMillis(Math.max(1, (long) (capped * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()))));
  }

  /**
   * Stops at once: no more heartbeats, and running work is interrupted. The coordinator moves the work when the
   * machine goes offline; to hand work back first, drain the machine.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
    }
    control.shutdownNow();
    for (Job j : jobs.values()) {
      j.cancel("the agent stopped");
    }
    workers.shutdownNow();
  }

  @Override
  public String toString() {
    return "HttpAgent[" + machine.id() + " " + state + "]";
  }

  private enum Phase { QUEUED, RUNNING, REPORTING, DONE }

  /** One attempt on this machine; its handler sees it as the {@link TaskContext}. */
  private final class Job implements TaskContext {
    final Task task;
    final int attempt;
    final long token;
    volatile Phase phase = Phase.QUEUED;
    volatile String cancelled;
    volatile Future<?> future;
    volatile TaskResult result;
    /** Set and cleared on the control thread; waiters in awaitResumed are woken under the job's monitor. */
    volatile boolean paused;

    Job(Task task, int attempt, long token) {
      this.task = task;
      this.attempt = attempt;
      this.token = token;
    }

    void cancel(String reason) {
      cancelled = reason;
      synchronized (this) {
        notifyAll();
      }
      Future<?> f = future;
      if (f != null && phase != Phase.REPORTING) {
        f.cancel(true);
      }
    }

    /** Returns whether that changed anything. */
    synchronized boolean setPaused(boolean p) {
      if (paused == p) {
        return false;
      }
      paused = p;
      notifyAll();
      return true;
    }

    @Override
    public boolean isPaused() {
      return paused;
    }

    @Override
    public synchronized void awaitResumed() throws InterruptedException {
      while (paused && cancelled == null) {
        wait();
      }
    }

    @Override
    public Task task() {
      return task;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public long token() {
      return token;
    }

    @Override
    public MachineId machine() {
      return machine.id();
    }

    @Override
    public boolean isCancelled() {
      return cancelled != null;
    }

    @Override
    public String cancelReason() {
      String c = cancelled;
      return c == null ? "" : c;
    }
  }

  /**
   * Configures an {@link HttpAgent}. The join token (or a saved credential) and the handler are required.
   *
   * <p>Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final URI coordinator;
    private final Machine machine;
    private String joinToken;
    private String joinKey;
    private String credential;
    private Consumer<String> onCredential;
    private TaskHandler handler;
    private int slots = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    private final List<Probe> probes = new ArrayList<>();
    private Ticker ticker = Ticker.system();
    private SSLContext sslContext;
    private Duration minBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);

    private Builder(URI coordinator, Machine machine) {
      this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
      String scheme = coordinator.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("coordinator URI '" + coordinator + "' must be http:// or https://");
      }
      this.machine = Objects.requireNonNull(machine, "machine");
    }

    /** The fleet's join token. */
    public Builder joinToken(String token) {
      this.joinToken = Secrets.checkConfigured("joinToken", token);
      return this;
    }

    /**
     * The secret this agent presents with a join-token join, so a join whose answer was lost can be retried
     * (the coordinator refuses anyone else a machine id that holds a credential). A new random one by default;
     * keep one beside the saved credential to retry across a restart of the agent too.
     */
    public Builder joinKey(String key) {
      this.joinKey = Secrets.checkConfigured("joinKey", key);
      return this;
    }

    /** A credential saved from an earlier run, to reconnect as the same machine. */
    public Builder credential(String credential) {
      this.credential = Objects.requireNonNull(credential, "credential");
      return this;
    }

    /** Called on the control thread with each new credential, e.g. to save it for the next run. */
    public Builder onCredential(Consumer<String> listener) {
      this.onCredential = Objects.requireNonNull(listener, "onCredential");
      return this;
    }

    /** What runs the tasks. */
    public Builder handler(TaskHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** How many tasks run at once; more wait for a slot. Half the cores by default. */
    public Builder slots(int slots) {
      if (slots < 1 || slots > 1024) {
        throw new IllegalArgumentException("slots must be in [1, 1024], got " + slots);
      }
      this.slots = slots;
      return this;
    }

    /** Adds a probe whose signals go into every heartbeat. */
    public Builder probe(Probe probe) {
      probes.add(Objects.requireNonNull(probe, "probe"));
      return this;
    }

    /** The time source for backoff and lease tracking. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** The TLS context for an https coordinator, e.g. one that trusts its self-signed certificate. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /** Retry delays after failures: doubling from {@code min} up to {@code max}, with jitter. */
    public Builder backoff(Duration min, Duration max) {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + " and " + max);
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /** How long one request may take (a long-poll: this plus its wait). 10 s by default. */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "requestTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Builds the agent, not yet started.
     *
     * @throws IllegalStateException if neither a join token nor a credential was given, or no handler
     */
    public HttpAgent build() {
      if (joinToken == null && credential == null) {
        throw new IllegalStateException("agent " + machine.id() + " needs a joinToken or a saved credential");
      }
      if (handler == null) {
        throw new IllegalStateException("agent " + machine.id() + " needs a handler to run tasks");
      }
      return new HttpAgent(this);
    }
  }
}
