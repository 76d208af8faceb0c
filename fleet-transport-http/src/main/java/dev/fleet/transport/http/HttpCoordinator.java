package dev.fleet.transport.http;

import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.model.Coordinators;
import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.spi.DurablePart;
import dev.fleet.spi.Ticker;
import dev.fleet.spi.Transport;
import dev.fleet.transport.http.internal.CoordinatorServer;
import dev.fleet.transport.http.internal.CoordinatorSettings;
import dev.fleet.transport.http.internal.Credentials;
import dev.fleet.transport.http.internal.Deliveries;
import dev.fleet.transport.http.internal.EventStream;
import dev.fleet.transport.http.internal.JoinRates;
import dev.fleet.transport.http.internal.Secrets;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The coordinator's HTTP server: agents join, heartbeat, long-poll for work and report results over the
 * {@code /v1} API, and clients submit and inspect work. It is also the fleet's {@link Transport}: pass it to
 * {@code FleetBuilder.transport(...)}, build the fleet, then {@link #start(Fleet)} it.
 *
 * <pre>{@code
 * HttpCoordinator coordinator = HttpCoordinator.newBuilder()
 *     .joinToken(joinToken).adminToken(adminToken).build();
 * Fleet fleet = Fleets.newBuilder().transport(coordinator).build();
 * coordinator.start(fleet);   // now listening on coordinator.uri()
 * }</pre>
 *
 * <p>It runs on Jetty 12's core server: headers must arrive within the header timeout, idle connections
 * close after the idle timeout, bodies are limited in size, each credential in request rate, and a
 * long-poll holds no thread while it waits. Binding an address other than loopback needs TLS, or an explicit
 * {@link Builder#allowInsecureNonLoopback()}, which logs a warning. The fleet's events go out as a server-sent event
 * stream ({@code GET /v1/events}) that clients resume with {@code Last-Event-ID}; a client that falls behind is
 * dropped, the fleet never waits for one ({@link Builder#eventStreams}).
 *
 * <p>Its security state is durable: it is a {@link DurablePart} named {@value #DURABLE_NAME}, which a fleet with
 * a journal attaches automatically. Machine credential hashes, join-token rotations and revocations, and
 * removals are journaled before the answer that reveals them is sent, and replayed when the fleet is built
 * again: a machine keeps its credential across a coordinator restart, and a rotated or revoked join token
 * stays so (the builder's join token is only the initial one). Scoped join tokens ({@code POST /v1/join-tokens})
 * and which machine joined with which are journaled the same way. Each run has its own incarnation, which agents
 * see change on a restart: they join again with their credential, report what they run, and the coordinator
 * stops what is no longer current.
 *
 * <p>Thread-safe. {@link #deliver}, {@link #withdraw}, {@link #pause} and {@link #resume} are called by the
 * fleet on its event executor and never block. Changes to credentials block until they are durable.
 */
public final class HttpCoordinator implements Transport, DurablePart, AutoCloseable {
  /** The name its records are filed under in the fleet's journal. */
  public static final String DURABLE_NAME = "http.credentials";
  private static final System.Logger LOG = System.getLogger(HttpCoordinator.class.getName());

  private final CoordinatorSettings config;
  private final Credentials credentials;
  private final Deliveries deliveries;
  /** Names this run: agents that see it change know their message numbering restarted. */
  private final String incarnation = Secrets.newSecret().substring(0, 16);
  /** The running server, null while stopped. */
  private CoordinatorServer server;
  /** The last server started, whose counts outlive its stop. */
  private CoordinatorServer lastRun;
  /** The last event stream run, so a restart in the same second still numbers its events above the last. */
  private long lastEventRun;
  private Fleet fleet;
  private int boundPort;
  /** What {@code GET /v1/coordinators} answers; null for a coordinator alone (a group of one it leads). */
  private final java.util.function.Supplier<Coordinators> coordinators;

  /** What {@code /metrics} and {@code /v1/health/ready} answer. */
  private final dev.fleet.transport.http.internal.Operations operations;

  private HttpCoordinator(CoordinatorSettings config, java.util.function.Supplier<Coordinators> coordinators,
      dev.fleet.transport.http.internal.Operations operations) {
    this.config = config;
    this.operations = operations;
    this.coordinators = coordinators;
    this.credentials = new Credentials(config.joinToken(), config.adminToken());
    this.deliveries = new Deliveries(config.mailboxCapacity());
  }

  /**
   * Starts configuring a coordinator.
   *
   * @return a new builder with every limit at its default; the join and client tokens must still be set
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * A new random secret of 256 bits from a {@link java.security.SecureRandom}, suitable as a join token or client
   * credential.
   *
   * @return the secret as 43 URL-safe base64 characters, without padding
   */
  public static String newSecret() {
    return Secrets.newSecret();
  }

  /**
   * Binds the address and starts serving the fleet. A coordinator that was {@link #close() closed} may be
   * started again for the same fleet: it binds the same port, and joined machines keep their credentials and
   * undelivered messages. Blocks until it listens.
   *
   * @param fleet the fleet it serves, built with this coordinator as its transport
   * @return this coordinator, listening on {@link #uri()}
   * @throws NullPointerException if {@code fleet} is null
   * @throws IllegalStateException if it is running, was started for another fleet, or the address is not
   *     loopback and TLS is off without {@link Builder#allowInsecureNonLoopback()}
   * @throws IllegalArgumentException if the bind address does not resolve
   * @throws UncheckedIOException if the port cannot be bound
   */
  public synchronized HttpCoordinator start(Fleet fleet) {
    Objects.requireNonNull(fleet, "fleet");
    if (server != null) {
      throw new IllegalStateException("this coordinator is running already on " + uri());
    }
    if (this.fleet != null && this.fleet != fleet) {
      throw new IllegalStateException("this coordinator is the transport of another fleet; build a new one");
    }
    CoordinatorServer started = CoordinatorServer.start(config, fleet, credentials, deliveries, incarnation,
        boundPort != 0 ? boundPort : config.port(), lastEventRun,
        () -> dev.fleet.transport.http.internal.CoordinatorsJson.bytes(coordinators()), operations);
    this.server = started;
    this.lastRun = started;
    this.fleet = fleet;
    this.boundPort = started.port();
    this.lastEventRun = started.eventRun();
    LOG.log(Level.INFO, "fleet coordinator listening on " + uri());
    return this;
  }

  /**
   * The fleet it serves or served.
   *
   * @return the fleet of its first {@link #start}; empty before that
   */
  public synchronized Optional<Fleet> fleet() {
    return Optional.ofNullable(fleet);
  }

  /**
   * Where agents and clients reach it, e.g. {@code http://127.0.0.1:41234}; bound to a wildcard address
   * ({@code 0.0.0.0}, {@code ::}), it names loopback, since a wildcard is not an address one can dial.
   *
   * @return {@code https://} with TLS, else {@code http://}, with the bound port
   * @throws IllegalStateException if it is not running
   */
  public synchronized URI uri() {
    requireStarted();
    return config.uri(server.port());
  }

  /**
   * What it answers at {@code GET /v1/coordinators}: what its builder's {@link Builder#coordinators} says, else
   * itself alone, leading, named {@code coordinator}, in term 0.
   *
   * @return the group as this coordinator sees it now
   * @throws IllegalStateException if it is not running and its builder was given no {@link Builder#coordinators}
   *     view (it then needs its own {@link #uri()})
   */
  public Coordinators coordinators() {
    return coordinators != null ? coordinators.get() : Coordinators.single("coordinator", uri(), 0);
  }

  /**
   * The port it listens on; the one chosen when built with port 0, which it keeps when started again.
   *
   * @return the bound port
   * @throws IllegalStateException if it is not running
   */
  public synchronized int port() {
    requireStarted();
    return server.port();
  }

  /**
   * Replaces the join token with a new random one, returned once it is durable; the old one is refused from
   * now on, also after a restart. The builder's {@link Builder#onJoinTokenChange} listener is told, on this
   * thread.
   *
   * @return the new join token, as {@link #newSecret()} makes them; shown only now
   * @throws dev.fleet.spi.JournalException if the fleet's journal cannot record it; the old token then stays
   */
  public String rotateJoinToken() {
    String token = credentials.rotateJoinToken();
    tell(Optional.of(token));
    return token;
  }

  /**
   * Refuses every join with the fleet's join token until the token is rotated, also after a restart; joined
   * machines keep working, and scoped join tokens are not affected. Returns once the change is durable; the
   * builder's {@link Builder#onJoinTokenChange} listener is told (with an empty token), on this thread.
   *
   * @throws dev.fleet.spi.JournalException if the fleet's journal cannot record it; the token then stays valid
   */
  public void revokeJoinToken() {
    credentials.revokeJoinToken();
    tell(Optional.empty());
  }

  private void tell(Optional<String> joinToken) {
    try {
      config.joinTokenListener().accept(joinToken);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "the join token listener failed; the change stands", e);
    }
  }

  /**
   * What happens when a machine that joined with the fleet's own join token joins again adding capabilities or
   * changing its role: {@link ClaimPolicy#HOLD} for the operator's approval (the default), {@link ClaimPolicy#REFUSE}
   * or {@link ClaimPolicy#ACCEPT}. A machine's first join with that token is trusted as it is; scoped join tokens
   * ({@code POST /v1/join-tokens}) carry their own policy. Takes effect at once, for joins that follow; it is not
   * journaled: a coordinator built again after a process restart has its builder's policy.
   *
   * @param policy what to do with such a claim
   * @return this coordinator
   * @throws NullPointerException if {@code policy} is null
   */
  public HttpCoordinator capabilityChanges(ClaimPolicy policy) {
    credentials.scopes().capabilityChanges(Objects.requireNonNull(policy, "capabilityChanges"));
    return this;
  }

  /**
   * Whether joins are accepted with this token now: false once it was rotated away or revoked, which after a
   * restart the journal decides, not the builder. Scoped join tokens are not this token and answer false.
   *
   * @param token a join token, compared in constant time; null answers false
   * @return whether a join presenting it would pass the token check
   */
  public boolean acceptsJoinToken(String token) {
    return credentials.isJoinToken(token);
  }

  /**
   * Whether joins with the fleet's join token are refused until it is rotated.
   *
   * @return true after {@link #revokeJoinToken()} (or {@code DELETE /v1/join-token}) until the next rotation
   */
  public boolean joinTokenRevoked() {
    return credentials.joinTokenRevoked();
  }

  @Override
  public String name() {
    return DURABLE_NAME;
  }

  /** Called by the fleet's journal wiring, before {@link #replay}; credential changes are journaled from now on. */
  @Override
  public void attach(Consumer<byte[]> durableAppend) {
    credentials.attach(durableAppend);
  }

  /**
   * Applies a journaled record of credentials.
   *
   * @throws IllegalArgumentException if it is not a record this version wrote
   */
  @Override
  public void replay(byte[] record) {
    credentials.replay(record);
  }

  @Override
  public void snapshot(Consumer<byte[]> out) {
    credentials.snapshot(out);
  }

  /**
   * Removes a machine from the fleet and invalidates its credential, so it can no longer heartbeat or report;
   * its work moves elsewhere. It may join again with a valid join token. Blocks until the removal is durable.
   *
   * @param machine the machine to remove
   * @return whether it was registered or held a credential
   * @throws NullPointerException if {@code machine} is null
   * @throws IllegalStateException if the coordinator is not running
   */
  public boolean removeMachine(MachineId machine) {
    Objects.requireNonNull(machine, "machine");
    CoordinatorServer s;
    synchronized (this) {
      requireStarted();
      s = server;
    }
    return s.api().removeMachine(machine);
  }

  /**
   * How many event streams ({@code GET /v1/events}) this run dropped: clients that fell too far behind, and those
   * open when it stopped.
   *
   * @return the count of the last run, kept after it stopped until it starts again; 0 before the first start
   */
  public synchronized long eventStreamsDropped() {
    return lastRun == null ? 0 : lastRun.eventStreamsDropped();
  }

  /**
   * How many connections were closed for not sending complete headers within the header timeout
   * ({@link Builder#headerTimeout}).
   *
   * @return the count of the last run, kept after it stopped until it starts again; 0 before the first start
   */
  public synchronized long slowConnectionsClosed() {
    return lastRun == null ? 0 : lastRun.slowConnectionsClosed();
  }

  /**
   * How many idle connections that showed no credential were closed to make room for new ones (see
   * {@link Builder#unauthenticatedConnections}).
   *
   * @return the count of the last run, kept after it stopped until it starts again; 0 before the first start
   */
  public synchronized long connectionsShed() {
    return lastRun == null ? 0 : lastRun.connectionsShed();
  }

  @Override
  public void deliver(Assignment assignment) {
    deliveries.deliver(assignment);
  }

  @Override
  public void withdraw(Assignment assignment, String reason) {
    deliveries.withdraw(assignment, reason);
  }

  /** Posts a {@code pause} message to the attempt's machine; a rejoining agent is told again. */
  @Override
  public void pause(Assignment assignment, String reason) {
    deliveries.pause(assignment, reason);
  }

  /** Posts a {@code resume} message to the attempt's machine. */
  @Override
  public void resume(Assignment assignment, String reason) {
    deliveries.resume(assignment, reason);
  }

  /**
   * Stops serving: waiting long-polls are answered, connections closed. The fleet is left to its owner, and
   * the coordinator may be {@link #start started} again.
   */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.close();
    server = null;
  }

  private void requireStarted() {
    if (server == null) {
      throw new IllegalStateException("the coordinator is not started; call start(fleet) first");
    }
  }

  @Override
  public String toString() {
    return "HttpCoordinator[" + (server == null ? "not running" : uri()) + "]";
  }

  /**
   * Configures an {@link HttpCoordinator}. The join token and the client (admin) token are required; every
   * limit has a default suited to a personal fleet.
   *
   * <p>Not thread-safe; build on one thread.
   */
  public static final class Builder {
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

    private Builder() {}

    /**
     * The address to listen on; {@code 127.0.0.1} unless told otherwise. An address other than loopback needs
     * {@link #tls} or {@link #allowInsecureNonLoopback()}, checked at {@link HttpCoordinator#start}.
     *
     * @param address a host name or IP address, e.g. {@code 0.0.0.0} for every interface
     * @return this builder
     * @throws NullPointerException if {@code address} is null
     */
    public Builder bindAddress(String address) {
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
    public Builder port(int port) {
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
    public Builder joinToken(String token) {
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
    public Builder adminToken(String token) {
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
    public Builder tls(Path pkcs12KeyStore, String password) {
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
    public Builder allowInsecureNonLoopback() {
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
    public Builder ticker(Ticker ticker) {
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
    public Builder headerTimeout(Duration timeout) {
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
    public Builder idleTimeout(Duration timeout) {
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
    public Builder maxPollWait(Duration wait) {
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
    public Builder maxBodyBytes(int bytes) {
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
    public Builder maxHeaderBytes(int bytes) {
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
    public Builder maxMachines(int machines) {
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
    public Builder maxTasksPerRequest(int tasks) {
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
    public Builder rateLimit(double perSecond, int burst) {
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
    public Builder joinRateLimitPerAddress(double perSecond, int burst) {
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
    public Builder joinRateLimitPerToken(double perSecond, int burst) {
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
    public Builder maxConnections(int connections) {
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
    public Builder unauthenticatedConnections(int total, int perAddress) {
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
    public Builder unauthenticatedIdleTimeout(Duration timeout) {
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
    public Builder threads(int threads) {
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
    public Builder onJoinTokenChange(Consumer<Optional<String>> listener) {
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
    public Builder mailboxCapacity(int messages) {
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
    public Builder wallClock(java.time.InstantSource clock) {
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
    public Builder eventStreams(int maxStreams, int history, int queue) {
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
    public Builder eventPing(Duration interval) {
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
    public Builder coordinators(java.util.function.Supplier<Coordinators> view) {
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
    public Builder capabilityChanges(ClaimPolicy policy) {
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
    public Builder metrics(String token, java.util.function.Supplier<String> prometheusText) {
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
    public Builder readiness(java.util.function.Supplier<Optional<String>> notReadyBecause) {
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
    public Builder leadershipCheck(Runnable confirm) {
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
}
