package dev.fleet.transport.http;

import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.internal.CoordinatorList;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.Secrets;
import dev.fleet.transport.http.model.CoordinatorsUnreachableException;
import dev.fleet.transport.http.model.FleetHttpException;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The agent that runs on each machine: joins the coordinator, heartbeats on the interval the coordinator
 * asks for with signals from its {@link Probe}s, long-polls for work, runs each attempt with its
 * {@link TaskHandler} in a bounded number of slots, and reports started and results.
 *
 * <p>It never runs more than its slots at once (more attempts wait for a slot), and it tells the coordinator its
 * slots in the machine's {@code slots} label, so the coordinator need not send more.
 *
 * <p>When the coordinator cannot be reached the agent keeps its running work, retries with backoff, and
 * reconnects with its credential as the same machine (the coordinator sends its outstanding work again;
 * attempts it already runs are not started twice). Once it is back, withdrawals tell it which of its work was
 * moved elsewhere meanwhile, and it stops those. A result the coordinator refuses as stale is dropped. That the
 * coordinator cannot be reached is logged once, with why (connection refused, a TLS handshake that failed), and
 * that it is back once.
 *
 * <p>When the coordinator itself restarted (its answers name a new incarnation), the agent joins again with
 * its credential and reports the attempts it runs; the coordinator answers which of them are not current, and
 * the agent stops those. Message numbering starts afresh with the new incarnation, so nothing is skipped and
 * no acknowledgement from before the restart drops a message. A join with the join token carries a join key
 * the agent keeps for its life ({@link Builder#joinKey}), so a join whose answer was lost can be retried.
 *
 * <p>Given several coordinators ({@link #newBuilder(List, Machine)}, replicated coordinators) it follows the
 * leader: a follower's 307 sends each request to the leader at once, and a coordinator that cannot be reached or
 * knows no leader is passed over for the next; it backs off only once every one failed in a row. A new leader is
 * another coordinator run, so the agent joins it again with its credential, as after a restart, and logs once
 * {@code following the leader at URL}.
 *
 * <p>When the machine was asleep (its wall clock ran on while the ticker stood still, or a heartbeat period
 * overshot hugely) the agent logs {@code resumed after sleep of ~N} and heartbeats at once.
 *
 * <p>Background work the coordinator pauses (the machine's owner returned) is paused through its
 * {@link TaskContext} and the handler's {@link TaskHandler#paused} hook, and resumed likewise; paused work is left
 * out of the load the agent reports, and an attempt paused before it got a slot starts only once it resumes.
 *
 * <p>{@link #leave} stops it well: drained, running work finishes within a grace, the rest moves at once;
 * {@link #close} stops it at once.
 *
 * <p>Thread-safe. Its own threads: one control thread (heartbeats, messages, reports; never blocks on the
 * network), {@code slots} worker threads for the handler, and the HTTP client's.
 */
public final class HttpAgent implements AutoCloseable {

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

  /**
   * What became of an agent's work when it left.
   *
   * @param finished results the coordinator took while the agent was leaving
   * @param handedBack attempts still running at the end of the grace, stopped without a result; the coordinator
   *     runs them elsewhere
   * @param coordinatorTold whether the coordinator heard that the machine left, so it moved that work at once;
   *     if not (it could not be reached), the work moves when the coordinator takes the machine for offline
   */
  public record Departure(int finished, int handedBack, boolean coordinatorTold) {}

  private final Machine machine;
  private final Ticker ticker;
  private final Duration requestTimeout;
  private final JsonHttp http;
  private final ScheduledExecutorService control;
  private final AgentSession session;
  private final WorkerSlots slots;
  private final Outbox outbox;
  private final Heartbeats heartbeats;
  private volatile Leaving leaving;

  private HttpAgent(AgentSettings settings) {
    this.machine = settings.machine();
    this.ticker = settings.ticker();
    this.requestTimeout = settings.requestTimeout();
    AgentParts parts = new AgentParts(settings, this::released);
    this.control = parts.control;
    this.http = parts.http;
    this.session = parts.session;
    this.slots = parts.slots;
    this.outbox = parts.outbox;
    this.heartbeats = parts.heartbeats;
  }

  private void released() {
    Leaving d = leaving;
    if (d != null) {
      d.released();
    }
  }

  /**
   * Starts configuring an agent for a machine.
   *
   * @param coordinator the coordinator's URI, e.g. {@code https://coordinator.local:7070}
   * @param machine the registration this agent joins with; its id is the agent's identity across restarts
   * @return a builder to set the join token (or a saved credential), the handler and the options on
   * @throws IllegalArgumentException if the URI is not http(s) with a host
   */
  public static Builder newBuilder(URI coordinator, Machine machine) {
    return new Builder(List.of(Objects.requireNonNull(coordinator, "coordinator")), machine);
  }

  /**
   * Starts configuring an agent for a machine of a fleet with replicated coordinators: the agent follows the
   * leader. It asks the coordinator that answered last first; a follower's redirect sends it to the leader at
   * once, and a coordinator that cannot be reached (or knows no leader during an election) sends it to the next
   * of the list; only once every one failed in a row does it back off. Its credential stays valid on every
   * leader, since credentials are replicated. Moving to another coordinator is logged once, at INFO.
   *
   * @param coordinators the coordinators' URIs, at least one, e.g. the desktop's, the mini PC's and the VPS's
   * @param machine the registration this agent joins with; its id is the agent's identity across restarts
   * @return a builder to set the join token (or a saved credential), the handler and the options on
   * @throws IllegalArgumentException if the list is empty or a URI is not http(s) with a host
   */
  public static Builder newBuilder(List<URI> coordinators, Machine machine) {
    return new Builder(coordinators, machine);
  }

  /**
   * Starts joining; returns at once. {@link #state()} says how it goes.
   *
   * @return this agent
   * @throws IllegalStateException if it was started before
   */
  public HttpAgent start() {
    if (!session.begin()) {
      throw new IllegalStateException("agent " + machine.id() + " was started already (it is " + session.state()
          + ")");
    }
    return this;
  }

  /**
   * The machine this agent runs for.
   *
   * @return the machine's id, its identity at the coordinator across restarts
   */
  public MachineId id() {
    return machine.id();
  }

  /**
   * The registration it joins with.
   *
   * @return the machine as built, with its {@code slots} label set to the agent's slots
   */
  public Machine machine() {
    return machine;
  }

  /**
   * Where the agent stands with its coordinator now; it changes on the agent's control thread.
   *
   * @return the current state
   */
  public State state() {
    return session.state();
  }

  /**
   * The machine's credential, once it has joined; keep it to reconnect after a restart.
   *
   * @return the credential, or empty before the first join answered
   */
  public Optional<String> credential() {
    return Optional.ofNullable(session.credential());
  }

  /**
   * Why the coordinator refused to let this machine join (a join token it does not accept, a machine id another
   * holds), while the agent is {@link State#REFUSED}; empty otherwise. The agent retries slowly; a program that
   * cannot fix the cause should stop it and say this.
   *
   * @return the coordinator's reason, in words, or empty
   */
  public Optional<String> refusal() {
    return Optional.ofNullable(session.refusal());
  }

  /**
   * The tasks this agent runs or holds for a slot now.
   *
   * @return a snapshot, in no particular order
   */
  public List<TaskId> activeTasks() {
    return slots.activeTasks();
  }

  /**
   * Leaves the fleet well, then closes; blocks until done. The coordinator is asked to drain this machine (no
   * new work), running work may finish within {@code grace} and have its results reported, and what still runs
   * then is stopped without a result (its handler sees {@link TaskContext#isCancelled()}, and whatever it
   * returns is dropped, never reported as a failure). Then the agent stops heartbeating and tells the
   * coordinator it has gone, so the coordinator moves that work to other machines at once, as new attempts,
   * without waiting for its offline timeout. The machine stays registered: when an agent for it runs again, it
   * is back and takes work.
   *
   * <p>A call while a leave is under way (a second Ctrl-C) shortens that leave's grace to {@code grace} from now
   * if that is sooner, and returns when the agent has left; {@link Duration#ZERO} hands everything back at once.
   * If the coordinator cannot be reached, the agent still stops within the grace; the coordinator then moves the
   * work when it takes the machine for offline. The grace is measured with the agent's ticker.
   *
   * @param grace how long running work may go on finishing, from now; {@link Duration#ZERO} for none
   * @return what became of the work: finished, handed back, and whether the coordinator heard
   * @throws IllegalArgumentException if {@code grace} is negative
   * @throws IllegalStateException if leaving failed on another caller's thread
   */
  public Departure leave(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("leave grace must not be negative, got " + grace);
    }
    Leaving d;
    boolean first;
    synchronized (this) {
      if (leaving == null) {
        if (session.state() == State.CLOSED) {
          return new Departure(0, 0, false);
        }
        leaving = new Leaving(machine.id(), session, slots, heartbeats, outbox, http,
            control, ticker, requestTimeout, grace);
        first = true;
      } else {
        first = false;
      }
      d = leaving;
    }
    if (!first) {
      d.shorten(grace);
      try {
        return d.outcome().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Departure(0, 0, false);
      } catch (ExecutionException e) {
        throw new IllegalStateException("leaving failed: " + e.getCause(), e.getCause());
      }
    }
    Departure out;
    try {
      out = d.run();
    } catch (RuntimeException | Error e) {
      close();
      d.outcome().completeExceptionally(e);
      throw e;
    }
    close();
    d.outcome().complete(out);
    return out;
  }

  /**
   * Tells the coordinator at {@code coordinator} that the machine whose credential this is goes to sleep: it takes
   * no new work, and its work waits for it instead of failing over at once. For a sleep hook that runs outside
   * the agent (as {@code fleet sleep} does); the running agent notices the resumption by itself. Blocks until
   * answered.
   *
   * @param coordinator the coordinator's URI
   * @param credential the machine's credential, as its agent saved it
   * @param sslContext the TLS context for an https coordinator, or null for the default
   * @param timeout how long the request may take
   * @throws FleetHttpException if the coordinator refused (e.g. 401: it does not know the credential)
   * @throws java.io.UncheckedIOException if it cannot be reached, with why
   */
  public static void announceSleep(URI coordinator, String credential, SSLContext sslContext, Duration timeout) {
    announceSleep(List.of(Objects.requireNonNull(coordinator, "coordinator")), credential, sslContext, timeout);
  }

  /**
   * As {@link #announceSleep(URI, String, SSLContext, Duration)}, to whichever of {@code coordinators} leads: a
   * follower's redirect is followed and one that cannot be reached is passed over for the next.
   *
   * @param coordinators the coordinators' URIs, at least one
   * @param credential the machine's credential, as its agent saved it
   * @param sslContext the TLS context for an https coordinator, or null for the default
   * @param timeout how long one request may take
   * @throws FleetHttpException if the coordinator refused (e.g. 401: it does not know the credential)
   * @throws CoordinatorsUnreachableException if none of several could be reached, naming each and why
   */
  public static void announceSleep(List<URI> coordinators, String credential, SSLContext sslContext,
      Duration timeout) {
    SleepAnnouncement.send(coordinators, credential, sslContext, timeout);
  }

  /**
   * Stops at once: no more heartbeats, and running work is interrupted. The coordinator moves the work when the
   * machine goes offline; to hand work back first, {@link #leave} instead.
   */
  @Override
  public void close() {
    if (!session.end()) {
      return;
    }
    control.shutdownNow();
    slots.stop("the agent stopped");
  }

  @Override
  public String toString() {
    return "HttpAgent[" + machine.id() + " " + session.state() + "]";
  }

  /**
   * Configures an {@link HttpAgent}. The join token (or a saved credential) and the handler are required.
   *
   * <p>Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final List<URI> coordinators;
    private final Machine machine;
    private String joinToken;
    private String joinKey;
    private String credential;
    private Consumer<String> onCredential;
    private TaskHandler handler;
    private Integer slots;
    private final List<Probe> probes = new ArrayList<>();
    private Ticker ticker = Ticker.system();
    private InstantSource wallClock = InstantSource.system();
    private BooleanSupplier asleep = () -> false;
    private SSLContext sslContext;
    private Duration minBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);

    private Builder(List<URI> coordinators, Machine machine) {
      this.coordinators = new CoordinatorList(coordinators).all(); // checks each URI here, not at build
      this.machine = Objects.requireNonNull(machine, "machine");
    }

    /**
     * The fleet's join token (or a scoped one), for the first join; not needed with a saved credential.
     *
     * @param token the token as the coordinator's operator gave it
     * @return this builder
     * @throws IllegalArgumentException if it is shorter than 22 characters (128 bits of base64), longer than 512,
     *     or not printable ASCII without spaces
     */
    public Builder joinToken(String token) {
      this.joinToken = Secrets.checkConfigured("joinToken", token);
      return this;
    }

    /**
     * The secret this agent presents with a join-token join, so a join whose answer was lost can be retried
     * (the coordinator refuses anyone else a machine id that holds a credential). A new random one by default;
     * keep one beside the saved credential to retry across a restart of the agent too.
     *
     * @param key the secret, kept private like the credential
     * @return this builder
     * @throws IllegalArgumentException if it is shorter than 22 characters (128 bits of base64), longer than 512,
     *     or not printable ASCII without spaces
     */
    public Builder joinKey(String key) {
      this.joinKey = Secrets.checkConfigured("joinKey", key);
      return this;
    }

    /**
     * A credential saved from an earlier run, to reconnect as the same machine.
     *
     * @param credential the credential {@link HttpAgent#credential()} or {@link #onCredential} gave
     * @return this builder
     */
    public Builder credential(String credential) {
      this.credential = Objects.requireNonNull(credential, "credential");
      return this;
    }

    /**
     * Called on the control thread with each new credential, e.g. to save it for the next run.
     *
     * @param listener told each credential; it must return quickly, as it runs on the control thread
     * @return this builder
     */
    public Builder onCredential(Consumer<String> listener) {
      this.onCredential = Objects.requireNonNull(listener, "onCredential");
      return this;
    }

    /**
     * What runs the tasks; required.
     *
     * @param handler called on a worker thread for each attempt, at most {@link #slots(int)} at once
     * @return this builder
     */
    public Builder handler(TaskHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * How many tasks run at once; more wait for a slot. By default the machine's {@code slots} label if it has
     * one, else half the cores. The machine joins with its {@code slots} label set to this, so the coordinator
     * knows.
     *
     * @param slots how many attempts run at once, in [1, 1024]
     * @return this builder
     * @throws IllegalArgumentException if {@code slots} is outside [1, 1024]
     */
    public Builder slots(int slots) {
      if (slots < 1 || slots > AgentSettings.MAX_SLOTS) {
        throw new IllegalArgumentException("slots must be in [1, 1024], got " + slots);
      }
      this.slots = slots;
      return this;
    }

    /**
     * Adds a probe whose signals go into every heartbeat.
     *
     * @param probe read on the control thread once per heartbeat
     * @return this builder
     */
    public Builder probe(Probe probe) {
      probes.add(Objects.requireNonNull(probe, "probe"));
      return this;
    }

    /**
     * The time source for backoff, lease tracking and the grace of {@link HttpAgent#leave}.
     *
     * @param ticker {@link Ticker#system()} by default
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * The wall clock, read beside the ticker on every heartbeat period: a suspended machine's wall clock runs on
     * while its ticker stands still, which is how the agent notices it was asleep. The system clock by default.
     *
     * @param clock the wall clock
     * @return this builder
     */
    public Builder wallClock(InstantSource clock) {
      this.wallClock = Objects.requireNonNull(clock, "wallClock");
      return this;
    }

    /**
     * Tells the agent that its machine announced sleep some other way (a sleep hook running {@code fleet sleep}
     * just before the machine suspends): while {@code announced} answers true no heartbeat goes out, since one
     * would wake the machine at the coordinator again before it suspends. Asked on the control thread once per
     * heartbeat period; it must answer at once, and should turn false by itself after a short while (the sleep
     * may not have happened). Never true by default.
     *
     * @param announced true while the machine's sleep was announced and heartbeats must wait
     * @return this builder
     */
    public Builder asleepWhile(BooleanSupplier announced) {
      this.asleep = Objects.requireNonNull(announced, "asleepWhile");
      return this;
    }

    /**
     * The TLS context for an https coordinator, e.g. one that trusts its self-signed certificate.
     *
     * @param context the context the agent's HTTP client uses; the JDK's default without one
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /**
     * Retry delays after failures: doubling from {@code min} up to {@code max}, with jitter. 100 ms to 5 s by
     * default.
     *
     * @param min the first delay, positive
     * @param max the longest delay, at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException unless {@code 0 < min <= max}
     */
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

    /**
     * How long one request may take (a long-poll: this plus its wait). 10 s by default.
     *
     * @param timeout positive; also the HTTP client's connect timeout
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
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
     * @return the agent; {@link HttpAgent#start()} starts it
     * @throws IllegalStateException if neither a join token nor a credential was given, or no handler
     * @throws IllegalArgumentException if the machine's {@code slots} label is not a number in [1, 1024], or
     *     disagrees with {@link #slots(int)}
     */
    public HttpAgent build() {
      if (joinToken == null && credential == null) {
        throw new IllegalStateException("agent " + machine.id() + " needs a joinToken or a saved credential");
      }
      if (handler == null) {
        throw new IllegalStateException("agent " + machine.id() + " needs a handler to run tasks");
      }
      int count = AgentSettings.slotCount(machine, slots);
      return new HttpAgent(new AgentSettings(coordinators, AgentSettings.joinsAs(machine, count), count, joinToken,
          joinKey, credential, onCredential, handler, probes, ticker, wallClock, asleep, sslContext, minBackoff,
          maxBackoff, requestTimeout));
    }
  }
}
