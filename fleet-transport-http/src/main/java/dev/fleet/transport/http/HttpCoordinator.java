package dev.fleet.transport.http;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.spi.DurablePart;
import dev.fleet.spi.Ticker;
import dev.fleet.spi.Transport;
import dev.fleet.transport.http.internal.Api;
import dev.fleet.transport.http.internal.Credentials;
import dev.fleet.transport.http.internal.Deliveries;
import dev.fleet.transport.http.internal.EventStream;
import dev.fleet.transport.http.internal.HeaderDeadline;
import dev.fleet.transport.http.internal.Limits;
import dev.fleet.transport.http.internal.ProblemErrorHandler;
import dev.fleet.transport.http.internal.RateLimits;
import dev.fleet.transport.http.internal.ReadEndpoints;
import dev.fleet.transport.http.internal.Secrets;
import dev.fleet.transport.http.internal.TaskListing;
import dev.fleet.transport.http.internal.TaskOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

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
 * stays so (the builder's join token is only the initial one). Each run has its own incarnation, which agents
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
  /**
   * Selector threads. Agents' requests (heartbeats, polls, results) are handled on them without a hand-off to
   * another thread, so on a machine with many cores more than one helps; one per two cores, at most four.
   */
  private static final int SELECTORS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));

  private final Builder config;
  private final Credentials credentials;
  private final Deliveries deliveries;
  private final Limits limits;
  /** Names this run: agents that see it change know their message numbering restarted. */
  private final String incarnation = Secrets.newSecret().substring(0, 16);
  private Server server;
  private ServerConnector connector;
  private HeaderDeadline headerDeadline;
  private Api api;
  private AutoCloseable subscription;
  private EventStream events;
  private AutoCloseable eventSubscription;
  /** The last event stream run, so a restart in the same second still numbers its events above the last. */
  private long lastEventRun;
  private Fleet fleet;
  private int boundPort;

  private HttpCoordinator(Builder b) {
    this.config = b;
    this.credentials = new Credentials(b.joinToken, b.adminToken);
    this.limits = new Limits(b.maxBodyBytes, b.maxMachines, b.maxTasksPerRequest, b.requestsPerSecond, b.burst,
        b.maxPollWait, b.mailboxCapacity);
    this.deliveries = new Deliveries(b.mailboxCapacity);
  }

  /** Starts configuring a coordinator. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A new random secret of 256 bits, suitable as a join token or client credential. */
  public static String newSecret() {
    return Secrets.newSecret();
  }

  /**
   * Binds the address and starts serving the fleet. A coordinator that was {@link #close() closed} may be
   * started again for the same fleet: it binds the same port, and joined machines keep their credentials and
   * undelivered messages.
   *
   * @throws IllegalStateException if it is running, was started for another fleet, or the address is not
   *     loopback and TLS is off without {@link Builder#allowInsecureNonLoopback()}
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
    boolean loopback = isLoopback(config.bindAddress);
    if (!loopback && config.keyStore == null) {
      if (!config.allowInsecure) {
        throw new IllegalStateException("binding " + config.bindAddress + " without TLS would send credentials in the "
            + "clear; give a keystore (tls(...)) or call allowInsecureNonLoopback()");
      }
      LOG.log(Level.WARNING, "serving " + config.bindAddress + " without TLS: join tokens and credentials travel in "
          + "the clear; use this only on a network you trust");
    }
    QueuedThreadPool pool = new QueuedThreadPool(config.threads, Math.min(2, config.threads));
    pool.setName("fleet-http");
    pool.setDaemon(true);
    Server s = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(config.maxHeaderBytes);
    http.setIdleTimeout(config.idleTimeout.toMillis());
    HeaderDeadline deadline = new HeaderDeadline(s.getScheduler(), config.ticker, config.headerTimeout);
    ServerConnector c;
    if (config.keyStore != null) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(config.keyStore.toString());
      ssl.setKeyStorePassword(config.keyStorePassword);
      ssl.setKeyStoreType("PKCS12");
      HttpConfiguration https = new HttpConfiguration(http);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      https.addCustomizer(secure);
      c = deadline.newConnector(s, SELECTORS, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    } else {
      c = deadline.newConnector(s, SELECTORS, new HttpConnectionFactory(http));
    }
    c.setHost(config.bindAddress);
    c.setPort(boundPort != 0 ? boundPort : config.port);
    c.setIdleTimeout(config.idleTimeout.toMillis());
    s.addConnector(c);
    s.addBean(new NetworkConnectionLimit(config.maxConnections, c));
    s.setErrorHandler(new ProblemErrorHandler());
    EventStream stream = new EventStream(Math.max(config.wallClock.instant().getEpochSecond(), lastEventRun + 1),
        config.wallClock, config.eventSettings, s.getScheduler(), pool);
    // Before serving: the stream's memory holds every event from the first request on.
    AutoCloseable streamSubscription = fleet.subscribe(stream);
    Api handler = new Api(fleet, credentials, deliveries, new RateLimits(config.ticker, config.requestsPerSecond,
        config.burst), limits, pool, s.getScheduler(), incarnation, config.joinTokenListener,
        new ReadEndpoints(new TaskListing(fleet, config.ticker), new TaskOutput(fleet), stream));
    s.setHandler(handler);
    try {
      s.start();
    } catch (Exception e) {
      try {
        s.stop();
        streamSubscription.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot serve on " + config.bindAddress + ":" + config.port + ": " + e.getMessage(),
          e instanceof IOException io ? io : new IOException(e));
    }
    this.server = s;
    this.fleet = fleet;
    this.connector = c;
    this.boundPort = c.getLocalPort();
    this.headerDeadline = deadline;
    this.api = handler;
    this.subscription = fleet.subscribe(deliveries::onEvent);
    this.events = stream;
    this.lastEventRun = stream.run();
    this.eventSubscription = streamSubscription;
    LOG.log(Level.INFO, "fleet coordinator listening on " + uri());
    return this;
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bind address '" + host + "' does not resolve", e);
    }
  }

  /** Where agents and clients reach it, e.g. {@code http://127.0.0.1:41234}. */
  public synchronized URI uri() {
    requireStarted();
    String host = config.bindAddress.contains(":") ? "[" + config.bindAddress + "]" : config.bindAddress;
    return URI.create((config.keyStore == null ? "http" : "https") + "://" + host + ":" + connector.getLocalPort());
  }

  /** The port it listens on; the one chosen when built with port 0. */
  public synchronized int port() {
    requireStarted();
    return connector.getLocalPort();
  }

  /**
   * Replaces the join token with a new random one, returned once it is durable; the old one is refused from
   * now on, also after a restart.
   */
  public String rotateJoinToken() {
    String token = credentials.rotateJoinToken();
    tell(Optional.of(token));
    return token;
  }

  /** Refuses every join until the token is rotated, also after a restart; joined machines keep working. */
  public void revokeJoinToken() {
    credentials.revokeJoinToken();
    tell(Optional.empty());
  }

  private void tell(Optional<String> joinToken) {
    try {
      config.joinTokenListener.accept(joinToken);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "the join token listener failed; the change stands", e);
    }
  }

  /**
   * Whether joins are accepted with this token now: false once it was rotated away or revoked, which after a
   * restart the journal decides, not the builder.
   */
  public boolean acceptsJoinToken(String token) {
    return credentials.isJoinToken(token);
  }

  /** Whether joins are refused until the join token is rotated. */
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
   * its work moves elsewhere. It may join again with a valid join token.
   *
   * @return whether it was registered or held a credential
   */
  public boolean removeMachine(MachineId machine) {
    Objects.requireNonNull(machine, "machine");
    Api a;
    synchronized (this) {
      requireStarted();
      a = api;
    }
    return a.removeMachine(machine);
  }

  /**
   * How many event streams ({@code GET /v1/events}) this run dropped: clients that fell too far behind, and those
   * open when it stopped.
   */
  public synchronized long eventStreamsDropped() {
    return events == null ? 0 : events.dropped();
  }

  /** How many connections were closed for not sending complete headers within the header timeout. */
  public synchronized long slowConnectionsClosed() {
    return headerDeadline == null ? 0 : headerDeadline.closedConnections();
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
    try {
      subscription.close();
      eventSubscription.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "unsubscribing from the fleet failed", e);
    }
    events.close();
    deliveries.releaseWaiters();
    try {
      server.stop();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "stopping the HTTP server failed", e);
    }
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
    private int threads = 16;
    private int mailboxCapacity = 10_000;
    private Consumer<Optional<String>> joinTokenListener = token -> { };
    private java.time.InstantSource wallClock = java.time.InstantSource.system();
    private EventStream.Settings eventSettings = new EventStream.Settings(64, 10_000, 1_000, Duration.ofSeconds(15),
        Duration.ofSeconds(2));

    private Builder() {}

    /** The address to listen on; {@code 127.0.0.1} unless told otherwise. */
    public Builder bindAddress(String address) {
      this.bindAddress = Objects.requireNonNull(address, "bindAddress");
      return this;
    }

    /** The port; 0 (the default) picks a free one, see {@link HttpCoordinator#port()}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    /** The secret a machine presents to join; at least 22 characters (use {@link HttpCoordinator#newSecret()}). */
    public Builder joinToken(String token) {
      this.joinToken = Secrets.checkConfigured("joinToken", token);
      return this;
    }

    /** The client credential that submits work and runs the fleet; at least 22 characters, not the join token. */
    public Builder adminToken(String token) {
      this.adminToken = Secrets.checkConfigured("adminToken", token);
      return this;
    }

    /** Serves HTTPS with the key and certificate in a PKCS#12 keystore. */
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

    /** Allows plain HTTP on an address other than loopback; a warning is logged when it starts. */
    public Builder allowInsecureNonLoopback() {
      this.allowInsecure = true;
      return this;
    }

    /** The time source for rate limits and header deadlines; pass the fleet's ticker. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** How long a new connection may take to send its first request's headers; 10 s by default. */
    public Builder headerTimeout(Duration timeout) {
      this.headerTimeout = positive("headerTimeout", timeout);
      return this;
    }

    /** How long a connection may stay silent; 60 s by default. Must exceed the long-poll wait. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    /** The longest a long-poll is held before it is answered empty; 25 s by default. */
    public Builder maxPollWait(Duration wait) {
      this.maxPollWait = positive("maxPollWait", wait);
      return this;
    }

    /** The largest request body; 1 MiB by default. */
    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = atLeast("maxBodyBytes", bytes, 1024);
      return this;
    }

    /** The largest request header block; 8 KiB by default. */
    public Builder maxHeaderBytes(int bytes) {
      this.maxHeaderBytes = atLeast("maxHeaderBytes", bytes, 1024);
      return this;
    }

    /** The most machines the fleet may hold; further joins are refused. 1000 by default. */
    public Builder maxMachines(int machines) {
      this.maxMachines = atLeast("maxMachines", machines, 1);
      return this;
    }

    /** The most tasks one submission may carry; 1000 by default. */
    public Builder maxTasksPerRequest(int tasks) {
      this.maxTasksPerRequest = atLeast("maxTasksPerRequest", tasks, 1);
      return this;
    }

    /** Requests per second each credential may sustain, and how many it may send at once; 200 and 400 by default. */
    public Builder rateLimit(double perSecond, int burst) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("rateLimit must be a finite number > 0 per second, got " + perSecond);
      }
      this.requestsPerSecond = perSecond;
      this.burst = atLeast("burst", burst, 1);
      return this;
    }

    /** The most open connections; more wait to be accepted. 1024 by default. */
    public Builder maxConnections(int connections) {
      this.maxConnections = atLeast("maxConnections", connections, 1);
      return this;
    }

    /** The most request threads; 16 by default. Waiting long-polls use none. */
    public Builder threads(int threads) {
      this.threads = atLeast("threads", threads, 4);
      return this;
    }

    /**
     * Told of each new join token once it is durable (empty when revoked), whether through the API or
     * {@link HttpCoordinator#rotateJoinToken()}; e.g. to keep a copy for the operator. Called on the thread that
     * made the change; a listener that throws is logged, the change stands.
     */
    public Builder onJoinTokenChange(Consumer<Optional<String>> listener) {
      this.joinTokenListener = Objects.requireNonNull(listener, "onJoinTokenChange");
      return this;
    }

    /** Unacknowledged messages kept per machine; 10,000 by default. */
    public Builder mailboxCapacity(int messages) {
      this.mailboxCapacity = atLeast("mailboxCapacity", messages, 1);
      return this;
    }

    /**
     * The wall clock that stamps events and numbers event stream runs; the system's unless told otherwise. Pass
     * the fleet's.
     */
    public Builder wallClock(java.time.InstantSource clock) {
      this.wallClock = Objects.requireNonNull(clock, "wallClock");
      return this;
    }

    /**
     * Bounds {@code GET /v1/events}: at most {@code maxStreams} streams open at once (64 by default; one more is
     * answered 503), the last {@code history} events kept for clients that resume (10,000), and at most
     * {@code queue} events a client may fall behind before it is dropped (1,000; at most {@code history}).
     */
    public Builder eventStreams(int maxStreams, int history, int queue) {
      atLeast("maxStreams", maxStreams, 1);
      atLeast("history", history, 1);
      atLeast("queue", queue, 1);
      if (queue > history) {
        throw new IllegalArgumentException("an event stream's queue (" + queue + ") must not exceed the history ("
            + history + ") it is read from");
      }
      this.eventSettings = new EventStream.Settings(maxStreams, history, queue, eventSettings.ping(),
          eventSettings.dropGrace());
      return this;
    }

    /**
     * How often an event stream with nothing to say gets a ping comment, so proxies and NATs keep its connection;
     * 15 s by default.
     */
    public Builder eventPing(Duration interval) {
      this.eventSettings = new EventStream.Settings(eventSettings.maxStreams(), eventSettings.history(),
          eventSettings.queue(), positive("eventPing", interval), eventSettings.dropGrace());
      return this;
    }

    /**
     * Builds the coordinator, not yet listening.
     *
     * @throws IllegalStateException if a token is missing or the timeouts contradict each other
     */
    public HttpCoordinator build() {
      if (joinToken == null) {
        throw new IllegalStateException("joinToken is required (HttpCoordinator.newSecret() makes one)");
      }
      if (adminToken == null) {
        throw new IllegalStateException("adminToken is required (HttpCoordinator.newSecret() makes one)");
      }
      if (maxPollWait.compareTo(idleTimeout) >= 0) {
        throw new IllegalStateException("maxPollWait " + maxPollWait + " must be shorter than idleTimeout "
            + idleTimeout + ", or waiting polls would be cut off as idle");
      }
      return new HttpCoordinator(this);
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }

    private static int atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
      }
      return value;
    }
  }
}
