package dev.fleet.transport.http;

import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.model.Coordinators;
import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.internal.CoordinatorSettings;
import dev.fleet.transport.http.internal.EventStream;
import dev.fleet.transport.http.internal.JoinRates;
import dev.fleet.transport.http.internal.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Configures an {@link HttpCoordinator}. The join token and the client (admin) token are required; every
 * limit has a default suited to a personal fleet.
 *
 * <p>Not thread-safe; build on one thread.
 */
public final class HttpCoordinatorBuilder {
  private String bindAddress = "127.0.0.1";
  private int port;
  private String joinToken;
  private String adminToken;
  private Path keyStore;
  private String keyStorePassword;
  private boolean allowInsecure;
  private Ticker ticker = Ticker.system();
  private Duration headerTimeout = Duration.ofSeconds(10);
  private Duration idleTimeout = Duration.ofSeconds(60);
  private Duration maxPollWait = Duration.ofSeconds(25);
  private int maxBodyBytes = 1 << 20;
  private int maxHeaderBytes = 8 * 1024;
  private int maxMachines = 1000;
  private int maxTasksPerRequest = 1000;
  private double requestsPerSecond = 200;
  private int burst = 400;
  private int maxConnections = 1024;
  private Integer maxUnauthenticatedConnections;
  private Integer maxUnauthenticatedPerAddress;
  private Duration unauthenticatedIdleTimeout;
  private int threads = 16;
  private int mailboxCapacity = 10_000;
  private Consumer<Optional<String>> joinTokenListener = token -> { };
  private java.time.InstantSource wallClock = java.time.InstantSource.system();
  private EventStream.Settings eventSettings = CoordinatorSettings.DEFAULT_EVENT_STREAMS;
  private JoinRates joinRates = JoinRates.DEFAULT;
  private java.util.function.Supplier<Coordinators> coordinators;
  private ClaimPolicy capabilityChanges = ClaimPolicy.HOLD;
  private dev.fleet.transport.http.internal.Operations operations =
      dev.fleet.transport.http.internal.Operations.NONE;

  HttpCoordinatorBuilder() {}

  /**
   * The address to listen on; {@code 127.0.0.1} unless told otherwise. An address other than loopback needs
   * {@link #tls} or {@link #allowInsecureNonLoopback()}, checked at {@link HttpCoordinator#start}.
   *
   * @param address a host name or IP address, e.g. {@code 0.0.0.0} for every interface
   * @return this builder
   * @throws NullPointerException if {@code address} is null
   */
  public HttpCoordinatorBuilder bindAddress(String address) {
    this.bindAddress = Objects.requireNonNull(address, "bindAddress");
    return this;
  }

  /**
   * The port; 0 (the default) picks a free one, see {@link HttpCoordinator#port()}.
   *
   * @param port from 0 to 65535
   * @return this builder
   * @throws IllegalArgumentException if {@code port} is out of that range
   */
  public HttpCoordinatorBuilder port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    this.port = port;
    return this;
  }

  /**
   * The secret a machine presents to join; required. Only the initial one: once the fleet's journal holds a
   * rotation or revocation, that wins on a restart.
   *
   * @param token 22 to 512 printable ASCII characters without spaces (use {@link HttpCoordinator#newSecret()})
   * @return this builder
   * @throws NullPointerException if {@code token} is null
   * @throws IllegalArgumentException if it is too short, too long or has other characters
   */
  public HttpCoordinatorBuilder joinToken(String token) {
    this.joinToken = Secrets.checkConfigured("joinToken", token);
    return this;
  }

  /**
   * The client credential that submits work and runs the fleet ({@link HttpFleetClient}, the {@code fleet}
   * command); required, and not the join token.
   *
   * @param token 22 to 512 printable ASCII characters without spaces (use {@link HttpCoordinator#newSecret()})
   * @return this builder
   * @throws NullPointerException if {@code token} is null
   * @throws IllegalArgumentException if it is too short, too long or has other characters
   */
  public HttpCoordinatorBuilder adminToken(String token) {
    this.adminToken = Secrets.checkConfigured("adminToken", token);
    return this;
  }

  /**
   * Serves HTTPS with the key and certificate in a PKCS#12 keystore; plain HTTP without it. The keystore is
   * read when the coordinator starts.
   *
   * @param pkcs12KeyStore the keystore file
   * @param password its password
   * @return this builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the file is not readable now
   */
  public HttpCoordinatorBuilder tls(Path pkcs12KeyStore, String password) {
    Objects.requireNonNull(pkcs12KeyStore, "keyStore");
    Objects.requireNonNull(password, "keyStore password");
    if (!Files.isReadable(pkcs12KeyStore)) {
      throw new IllegalArgumentException("keystore " + pkcs12KeyStore + " is not a readable file");
    }
    this.keyStore = pkcs12KeyStore;
    this.keyStorePassword = password;
    return this;
  }

  /**
   * Allows plain HTTP on an address other than loopback, where join tokens and credentials cross the network
   * in clear text; a warning is logged when it starts. Off by default.
   *
   * @return this builder
   */
  public HttpCoordinatorBuilder allowInsecureNonLoopback() {
    this.allowInsecure = true;
    return this;
  }

  /**
   * The time source for rate limits and header deadlines; pass the fleet's ticker. {@link Ticker#system()} by
   * default.
   *
   * @param ticker the monotonic time source
   * @return this builder
   * @throws NullPointerException if {@code ticker} is null
   */
  public HttpCoordinatorBuilder ticker(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * How long a new connection may take to send its first request's headers; 10 s by default. Slower ones are
   * closed and counted in {@link HttpCoordinator#slowConnectionsClosed()}.
   *
   * @param timeout positive
   * @return this builder
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if it is zero or negative
   */
  public HttpCoordinatorBuilder headerTimeout(Duration timeout) {
    this.headerTimeout = positive("headerTimeout", timeout);
    return this;
  }

  /**
   * How long a connection may stay silent before it is closed; 60 s by default. Must exceed
   * {@link #maxPollWait}, checked at {@link #build()}.
   *
   * @param timeout positive
   * @return this builder
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if it is zero or negative
   */
  public HttpCoordinatorBuilder idleTimeout(Duration timeout) {
    this.idleTimeout = positive("idleTimeout", timeout);
    return this;
  }

  /**
   * The longest a long-poll is held before it is answered empty; 25 s by default. An agent's poll may ask for
   * less, never more. Must be shorter than {@link #idleTimeout}, checked at {@link #build()}.
   *
   * @param wait positive
   * @return this builder
   * @throws NullPointerException if {@code wait} is null
   * @throws IllegalArgumentException if it is zero or negative
   */
  public HttpCoordinatorBuilder maxPollWait(Duration wait) {
    this.maxPollWait = positive("maxPollWait", wait);
    return this;
  }

  /**
   * The largest request body; 1 MiB by default. A larger one is answered 413. Task payloads and result
   * outputs travel in bodies, so this bounds them too.
   *
   * @param bytes at least 1024
   * @return this builder
   * @throws IllegalArgumentException if {@code bytes} is under 1024
   */
  public HttpCoordinatorBuilder maxBodyBytes(int bytes) {
    this.maxBodyBytes = atLeast("maxBodyBytes", bytes, 1024);
    return this;
  }

  /**
   * The largest request header block; 8 KiB by default. Larger headers are refused by the server (431).
   *
   * @param bytes at least 1024
   * @return this builder
   * @throws IllegalArgumentException if {@code bytes} is under 1024
   */
  public HttpCoordinatorBuilder maxHeaderBytes(int bytes) {
    this.maxHeaderBytes = atLeast("maxHeaderBytes", bytes, 1024);
    return this;
  }

  /**
   * The most machines the fleet may hold; further joins of new machines are refused (409 {@code fleet-full})
   * until machines are removed. 1000 by default.
   *
   * @param machines at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code machines} is under 1
   */
  public HttpCoordinatorBuilder maxMachines(int machines) {
    this.maxMachines = atLeast("maxMachines", machines, 1);
    return this;
  }

  /**
   * The most tasks one submission ({@code POST /v1/tasks}) may carry; a larger one is refused whole (413
   * {@code too-large}). 1000 by default.
   *
   * @param tasks at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code tasks} is under 1
   */
  public HttpCoordinatorBuilder maxTasksPerRequest(int tasks) {
    this.maxTasksPerRequest = atLeast("maxTasksPerRequest", tasks, 1);
    return this;
  }

  /**
   * Requests per second each credential (machine or client) may sustain, and how many it may send at once;
   * 200 and 400 by default; requests without a valid credential are counted per remote address. A request over
   * the limit is answered 429 {@code rate-limited} with a {@code Retry-After}.
   *
   * @param perSecond the sustained rate, a finite number above 0
   * @param burst the requests allowed at once, at least 1
   * @return this builder
   * @throws IllegalArgumentException if either is out of range
   */
  public HttpCoordinatorBuilder rateLimit(double perSecond, int burst) {
    this.requestsPerSecond = CoordinatorSettings.perSecond(perSecond);
    this.burst = atLeast("burst", burst, 1);
    return this;
  }

  /**
   * How many joins with the join token one remote address may make: {@code burst} at once, then
   * {@code perSecond}; beyond it a join is answered 429 {@code join-rate-limited} with a Retry-After. A burst of
   * 20, then 1 a second, by default. Machines that joined reconnect with their own credential and are not counted.
   *
   * @param perSecond the sustained rate per address, a finite number above 0
   * @param burst the joins allowed at once per address, at least 1
   * @return this builder
   * @throws IllegalArgumentException if either is out of range, naming it
   */
  public HttpCoordinatorBuilder joinRateLimitPerAddress(double perSecond, int burst) {
    this.joinRates = new JoinRates(perSecond, burst, joinRates.perToken(), joinRates.tokenBurst());
    return this;
  }

  /**
   * How many joins one join token may make, from every address together: {@code burst} at once, then
   * {@code perSecond}; beyond it a join is answered 429 {@code join-rate-limited}. A burst of 60, then 1 a second,
   * by default, so a flood of joins with a leaked token adds machines slowly enough for pruning to keep up.
   *
   * @param perSecond the sustained rate per token, a finite number above 0
   * @param burst the joins allowed at once per token, at least 1
   * @return this builder
   * @throws IllegalArgumentException if either is out of range, naming it
   */
  public HttpCoordinatorBuilder joinRateLimitPerToken(double perSecond, int burst) {
    this.joinRates = new JoinRates(joinRates.perAddress(), joinRates.addressBurst(), perSecond, burst);
    return this;
  }

  /**
   * The most open connections; 1024 by default. At the limit, the oldest idle connection that showed no
   * credential is closed to make room (see {@link #unauthenticatedConnections}); only when every connection
   * has shown one, or is busy, do more wait to be accepted.
   *
   * @param connections at least 2, and above the unauthenticated bound (checked at {@link #build()})
   * @return this builder
   * @throws IllegalArgumentException if {@code connections} is under 2
   */
  public HttpCoordinatorBuilder maxConnections(int connections) {
    this.maxConnections = atLeast("maxConnections", connections, 2);
    return this;
  }

  /**
   * The most connections that have not yet carried a request with a machine credential or the client token:
   * {@code total} over all addresses (half of {@link #maxConnections} by default; must be below it, so the rest
   * is kept for machines and clients) and {@code perAddress} from one remote address (64 by default). A new
   * connection over either bound is served, and the oldest idle such connection (of its address first) is
   * closed instead. Such closes are counted in {@link HttpCoordinator#connectionsShed()}.
   *
   * @param total at least 1 and below {@link #maxConnections} (checked at {@link #build()})
   * @param perAddress at least 1 and at most {@code total} (checked at {@link #build()})
   * @return this builder
   * @throws IllegalArgumentException if either is under 1
   */
  public HttpCoordinatorBuilder unauthenticatedConnections(int total, int perAddress) {
    this.maxUnauthenticatedConnections = atLeast("maxUnauthenticatedConnections", total, 1);
    this.maxUnauthenticatedPerAddress = atLeast("maxUnauthenticatedPerAddress", perAddress, 1);
    return this;
  }

  /**
   * How long a connection that has not yet shown a machine credential or the client token may stay silent; 5 s
   * by default (or the idle timeout, if shorter), at most {@link #idleTimeout}. Once it has, the idle timeout
   * applies.
   *
   * @param timeout positive, at most the idle timeout (checked at {@link #build()})
   * @return this builder
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if it is zero or negative
   */
  public HttpCoordinatorBuilder unauthenticatedIdleTimeout(Duration timeout) {
    this.unauthenticatedIdleTimeout = positive("unauthenticatedIdleTimeout", timeout);
    return this;
  }

  /**
   * The most request threads of the server's pool; 16 by default. Waiting long-polls hold none while they
   * wait.
   *
   * @param threads at least 4
   * @return this builder
   * @throws IllegalArgumentException if {@code threads} is under 4
   */
  public HttpCoordinatorBuilder threads(int threads) {
    this.threads = atLeast("threads", threads, 4);
    return this;
  }

  /**
   * Told of each new join token once it is durable (empty when revoked), whether through the API or
   * {@link HttpCoordinator#rotateJoinToken()}; e.g. to keep a copy for the operator. Called on the thread that
   * made the change; a listener that throws is logged, the change stands. Does nothing by default.
   *
   * @param listener gets the new join token, or empty when it was revoked; must not block long
   * @return this builder
   * @throws NullPointerException if {@code listener} is null
   */
  public HttpCoordinatorBuilder onJoinTokenChange(Consumer<Optional<String>> listener) {
    this.joinTokenListener = Objects.requireNonNull(listener, "onJoinTokenChange");
    return this;
  }

  /**
   * Unacknowledged messages (assignments, withdrawals, pauses) kept per machine; 10,000 by default. Beyond it
   * the oldest is dropped, so an agent that never acknowledges cannot grow the coordinator without bound; the
   * failure detector then recovers what it missed.
   *
   * @param messages at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code messages} is under 1
   */
  public HttpCoordinatorBuilder mailboxCapacity(int messages) {
    this.mailboxCapacity = atLeast("mailboxCapacity", messages, 1);
    return this;
  }

  /**
   * The wall clock that stamps events and numbers event stream runs; the system's unless told otherwise. Pass
   * the fleet's.
   *
   * @param clock the wall clock
   * @return this builder
   * @throws NullPointerException if {@code clock} is null
   */
  public HttpCoordinatorBuilder wallClock(java.time.InstantSource clock) {
    this.wallClock = Objects.requireNonNull(clock, "wallClock");
    return this;
  }

  /**
   * Bounds {@code GET /v1/events}: at most {@code maxStreams} streams open at once (64 by default; one more is
   * answered 503), the last {@code history} events kept for clients that resume (10,000), and at most
   * {@code queue} events a client may fall behind before it is dropped (1,000; at most {@code history}).
   * Dropped streams are counted in {@link HttpCoordinator#eventStreamsDropped()}.
   *
   * @param maxStreams the most streams open at once, at least 1
   * @param history the events kept for resuming clients, at least 1
   * @param queue the events one client may lag behind, from 1 to {@code history}
   * @return this builder
   * @throws IllegalArgumentException if a count is under 1 or {@code queue} exceeds {@code history}
   */
  public HttpCoordinatorBuilder eventStreams(int maxStreams, int history, int queue) {
    this.eventSettings = CoordinatorSettings.eventStreams(eventSettings, maxStreams, history, queue);
    return this;
  }

  /**
   * How often an event stream with nothing to say gets a ping comment, so proxies and NATs keep its connection;
   * 15 s by default.
   *
   * @param interval positive
   * @return this builder
   * @throws NullPointerException if {@code interval} is null
   * @throws IllegalArgumentException if it is zero or negative
   */
  public HttpCoordinatorBuilder eventPing(Duration interval) {
    this.eventSettings = new EventStream.Settings(eventSettings.maxStreams(), eventSettings.history(),
        eventSettings.queue(), positive("eventPing", interval), eventSettings.dropGrace());
    return this;
  }

  /**
   * What {@code GET /v1/coordinators} answers, asked at each request (quickly, on a request thread): the group
   * of replicated coordinators this one belongs to, or a single coordinator's name and journal epoch. Without
   * it, the coordinator answers itself alone, leading, in term 0.
   *
   * @param view gives the group as this node sees it now; must not block
   * @return this builder
   * @throws NullPointerException if {@code view} is null
   */
  public HttpCoordinatorBuilder coordinators(java.util.function.Supplier<Coordinators> view) {
    this.coordinators = Objects.requireNonNull(view, "coordinators");
    return this;
  }

  /**
   * What happens when a machine that joined with the fleet's own join token joins again adding capabilities or
   * changing its role ({@link ClaimPolicy#HOLD} by default); see {@link HttpCoordinator#capabilityChanges}, which
   * changes it later.
   *
   * @param policy what to do with such a claim
   * @return this builder
   * @throws NullPointerException if {@code policy} is null
   */
  public HttpCoordinatorBuilder capabilityChanges(ClaimPolicy policy) {
    this.capabilityChanges = Objects.requireNonNull(policy, "capabilityChanges");
    return this;
  }

  /**
   * Serves {@code GET /metrics}: {@code prometheusText} (the Prometheus text format, asked at each scrape on a
   * request thread) to requests that show {@code token} as their bearer token, and 401 to any other. Without
   * it, {@code /metrics} answers 404.
   *
   * @param token the bearer token a scraper must show; not blank. Best its own secret, so that a scraper holds
   *     nothing that can change the fleet
   * @param prometheusText gives the metrics page; must not block long
   * @return this builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code token} is blank
   */
  public HttpCoordinatorBuilder metrics(String token, java.util.function.Supplier<String> prometheusText) {
    this.operations = operations.withMetrics(token, prometheusText);
    return this;
  }

  /**
   * Why the coordinator should not be sent work, asked at each {@code GET /v1/health/ready} (quickly, on a
   * request thread): empty for ready (200), else the reason (503). Ready whenever it serves by default; it
   * serves only once the fleet's journal has been replayed.
   *
   * @param notReadyBecause gives why it is not ready, or empty; must not block long
   * @return this builder
   * @throws NullPointerException if {@code notReadyBecause} is null
   */
  public HttpCoordinatorBuilder readiness(java.util.function.Supplier<Optional<String>> notReadyBecause) {
    this.operations = operations.withReadiness(Objects.requireNonNull(notReadyBecause, "readiness"));
    return this;
  }

  /**
   * For one of several replicated coordinators: {@code confirm} is run (on a request thread; it may take a round
   * trip to the other coordinators) before a machine's report of a start or a result is refused as stale or for
   * an unknown task, and must throw a {@link dev.fleet.spi.JournalException} if this coordinator no longer leads.
   * The report is then answered 503 and the agent sends it again, to the new leader, rather than dropping a
   * result a leader deposed without knowing it judged from its stale state. Nothing is run by default.
   *
   * @param confirm returns if this coordinator still leads, throws a {@code JournalException} if not
   * @return this builder
   * @throws NullPointerException if {@code confirm} is null
   */
  public HttpCoordinatorBuilder leadershipCheck(Runnable confirm) {
    this.operations = operations.withLeadershipCheck(Objects.requireNonNull(confirm, "leadershipCheck"));
    return this;
  }

  /**
   * Builds the coordinator, not yet listening: {@link HttpCoordinator#start} it with its fleet. The builder may
   * be used again; each build makes an independent coordinator.
   *
   * @return the new coordinator
   * @throws IllegalStateException if a token is missing, {@link #maxPollWait} is not shorter than
   *     {@link #idleTimeout}, or the unauthenticated connections leave no room under {@link #maxConnections} or
   *     may stay silent longer than the idle timeout
   * @throws IllegalArgumentException if the join token and the client token are the same, or the unauthenticated
   *     connections per address exceed their total
   */
  public HttpCoordinator build() {
    return new HttpCoordinator(new CoordinatorSettings(bindAddress, port, joinToken, adminToken, keyStore,
        keyStorePassword, allowInsecure, ticker, headerTimeout, idleTimeout, maxPollWait, maxBodyBytes, maxHeaderBytes,
        maxMachines, maxTasksPerRequest, requestsPerSecond, burst, maxConnections, threads, mailboxCapacity,
        joinTokenListener, wallClock, eventSettings, joinRates, CoordinatorSettings.connectionBudget(maxConnections,
        maxUnauthenticatedConnections, maxUnauthenticatedPerAddress, unauthenticatedIdleTimeout != null
        ? unauthenticatedIdleTimeout : min(Duration.ofSeconds(5), idleTimeout))), coordinators, operations)
        .capabilityChanges(capabilityChanges);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration positive(String name, Duration d) {
    return CoordinatorSettings.positive(name, d);
  }

  private static int atLeast(String name, int value, int min) {
    return CoordinatorSettings.atLeast(name, value, min);
  }
}
