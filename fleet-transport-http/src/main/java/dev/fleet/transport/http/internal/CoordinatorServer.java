package dev.fleet.transport.http.internal;

import dev.fleet.Fleet;
import dev.fleet.Subscription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * One run of an {@code HttpCoordinator}'s Jetty server: the thread pool, the connector (with TLS when a keystore
 * is given), the header deadline, the event stream and the {@link Api}, wired to the fleet and started; and the
 * orderly stop of all of it.
 *
 * <p>Thread-safe once started: its fields are final. {@link #close()} is called once, by the coordinator, under
 * its lock.
 */
public final class CoordinatorServer implements AutoCloseable {
  // Logged under the public class's name, the one operators set levels for.
  private static final System.Logger LOG = System.getLogger("dev.fleet.transport.http.HttpCoordinator");
  /**
   * Selector threads. Agents' requests (heartbeats, polls, results) are handled on them without a hand-off to
   * another thread, so on a machine with many cores more than one helps; one per two cores, at most four.
   */
  private static final int SELECTORS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));

  /** Connections the OS may hold for the acceptor, at most (it caps this further, e.g. by net.core.somaxconn). */
  private static final int ACCEPT_QUEUE = 1024;

  private final Server server;
  private final ServerConnector connector;
  private final HeaderDeadline headerDeadline;
  private final ConnectionBudget budget;
  private final Api api;
  private final EventStream events;
  private final Subscription eventSubscription;
  private final Subscription deliverySubscription;
  private final Deliveries deliveries;

  private CoordinatorServer(Server server, ServerConnector connector, HeaderDeadline headerDeadline,
      ConnectionBudget budget, Api api,
      EventStream events, Subscription eventSubscription, Subscription deliverySubscription,
      Deliveries deliveries) {
    this.server = server;
    this.connector = connector;
    this.headerDeadline = headerDeadline;
    this.budget = budget;
    this.api = api;
    this.events = events;
    this.eventSubscription = eventSubscription;
    this.deliverySubscription = deliverySubscription;
    this.deliveries = deliveries;
  }

  /**
   * Binds the address and starts serving the fleet.
   *
   * @param port the port to bind, 0 for a free one
   * @param lastEventRun the previous run's event stream run, so this one numbers its events above it
   * @param coordinators the body of {@code GET /v1/coordinators}, made at each request
   * @param operations what {@code /metrics} and {@code /v1/health/ready} answer
   * @throws IllegalStateException if the address is not loopback and TLS is off without allowInsecure
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static CoordinatorServer start(CoordinatorSettings config, Fleet fleet, Credentials credentials,
      Deliveries deliveries, String incarnation, int port, long lastEventRun,
      java.util.function.Supplier<byte[]> coordinators, Operations operations) {
    checkTransportSecurity(config);
    QueuedThreadPool pool = new QueuedThreadPool(config.threads(), Math.min(2, config.threads()));
    pool.setName("fleet-http");
    pool.setDaemon(true);
    Server s = new Server(pool);
    HeaderDeadline deadline = new HeaderDeadline(s.getScheduler(), config.ticker(), config.headerTimeout());
    ServerConnector c = connector(config, s, deadline);
    c.setHost(config.bindAddress());
    c.setPort(port);
    c.setIdleTimeout(config.idleTimeout().toMillis());
    // The OS default backlog (50) drops a burst's connection attempts, which then wait a second for the SYN to be
    // sent again: a flood's burst would delay a machine's reconnection by that second.
    c.setAcceptQueueSize(ACCEPT_QUEUE);
    s.addConnector(c);
    s.addBean(new NetworkConnectionLimit(config.maxConnections(), c));
    // A bean of the connector, so every connection reports to it (Jetty adds the connector's listeners).
    ConnectionBudget budget = new ConnectionBudget(config.connectionBudget(), config.maxConnections(),
        config.idleTimeout(), config.ticker(), ShedConnections.logging(config.ticker()));
    c.addBean(budget);
    s.setErrorHandler(new ProblemErrorHandler());
    EventStream stream = new EventStream(Math.max(config.wallClock().instant().getEpochSecond(), lastEventRun + 1),
        config.wallClock(), config.eventSettings(), s.getScheduler(), pool);
    // Before serving: the stream's memory holds every event from the first request on.
    Subscription streamSubscription = fleet.subscribe(stream);
    Api handler = new Api(fleet, credentials, deliveries, new RateLimits(config.ticker(), config.requestsPerSecond(),
        config.burst()), config.limits(), pool, s.getScheduler(), incarnation, config.joinTokenListener(),
        new ReadEndpoints(new TaskListing(fleet, config.ticker()), new TaskOutput(fleet), stream), coordinators,
        operations);
    s.setHandler(handler);
    try {
      s.start();
    } catch (Exception e) {
      streamSubscription.close();
      try {
        s.stop();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot serve on " + config.bindAddress() + ":" + config.port() + ": "
          + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
    }
    return new CoordinatorServer(s, c, deadline, budget, handler, stream, streamSubscription,
        fleet.subscribe(event -> {
          deliveries.onEvent(event);
          handler.onFleetEvent(event);
        }), deliveries);
  }

  private static void checkTransportSecurity(CoordinatorSettings config) {
    if (!isLoopback(config.bindAddress()) && config.keyStore() == null) {
      if (!config.allowInsecure()) {
        throw new IllegalStateException("binding " + config.bindAddress() + " without TLS would send credentials in "
            + "the clear; give a keystore (tls(...)) or call allowInsecureNonLoopback()");
      }
      LOG.log(Level.WARNING, "serving " + config.bindAddress() + " without TLS: join tokens and credentials travel "
          + "in the clear; use this only on a network you trust");
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bind address '" + host + "' does not resolve", e);
    }
  }

  /** A connector for plain HTTP, or HTTPS with the configured keystore, whose connections keep the header deadline. */
  private static ServerConnector connector(CoordinatorSettings config, Server s, HeaderDeadline deadline) {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(config.maxHeaderBytes());
    // Left at -1: Jetty would otherwise set each request's end point to this timeout and set it back afterwards,
    // undoing the ConnectionBudget's choice between the short timeout and this one (the connector's).
    http.setIdleTimeout(-1);
    if (config.keyStore() == null) {
      return deadline.newConnector(s, SELECTORS, new HttpConnectionFactory(http));
    }
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(config.keyStore().toString());
    ssl.setKeyStorePassword(config.keyStorePassword());
    ssl.setKeyStoreType("PKCS12");
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    SslConnectionFactory tls = new SslConnectionFactory(ssl, "http/1.1");
    tls.addBean(HandshakeFailures.logging(config.ticker())); // each TLS connection gets it as a handshake listener
    return deadline.newConnector(s, SELECTORS, tls, new HttpConnectionFactory(https));
  }

  /** The port it listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The handler serving this run's requests. */
  public Api api() {
    return api;
  }

  /** The run number of its event stream. */
  public long eventRun() {
    return events.run();
  }

  /** Event streams dropped in this run: clients that fell too far behind, and those open when it stopped. */
  public long eventStreamsDropped() {
    return events.dropped();
  }

  /** Connections closed for not sending complete headers within the header timeout. */
  public long slowConnectionsClosed() {
    return headerDeadline.closedConnections();
  }

  /** Idle connections that showed no credential, closed to make room for new ones. */
  public long connectionsShed() {
    return budget.shedConnections();
  }

  /** Stops serving: unsubscribes from the fleet, answers waiting long-polls and closes connections. */
  @Override
  public void close() {
    deliverySubscription.close();
    eventSubscription.close();
    events.close();
    deliveries.releaseWaiters();
    try {
      server.stop();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "stopping the HTTP server failed", e);
    }
  }
}
