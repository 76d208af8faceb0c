package dev.fleet.transport.http;

import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.model.Coordinators;
import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.spi.DurablePart;
import dev.fleet.spi.Transport;
import dev.fleet.transport.http.internal.CoordinatorServer;
import dev.fleet.transport.http.internal.CoordinatorSettings;
import dev.fleet.transport.http.internal.Credentials;
import dev.fleet.transport.http.internal.Deliveries;
import dev.fleet.transport.http.internal.Secrets;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
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
 * {@link HttpCoordinatorBuilder#allowInsecureNonLoopback()}, which logs a warning. The fleet's events go out as a server-sent event
 * stream ({@code GET /v1/events}) that clients resume with {@code Last-Event-ID}; a client that falls behind is
 * dropped, the fleet never waits for one ({@link HttpCoordinatorBuilder#eventStreams}).
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

  HttpCoordinator(CoordinatorSettings config, java.util.function.Supplier<Coordinators> coordinators,
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
  public static HttpCoordinatorBuilder newBuilder() {
    return new HttpCoordinatorBuilder();
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
   *     loopback and TLS is off without {@link HttpCoordinatorBuilder#allowInsecureNonLoopback()}
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
   * What it answers at {@code GET /v1/coordinators}: what its builder's {@link HttpCoordinatorBuilder#coordinators} says, else
   * itself alone, leading, named {@code coordinator}, in term 0.
   *
   * @return the group as this coordinator sees it now
   * @throws IllegalStateException if it is not running and its builder was given no {@link HttpCoordinatorBuilder#coordinators}
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
   * now on, also after a restart. The builder's {@link HttpCoordinatorBuilder#onJoinTokenChange} listener is told, on this
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
   * builder's {@link HttpCoordinatorBuilder#onJoinTokenChange} listener is told (with an empty token), on this thread.
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
   * ({@link HttpCoordinatorBuilder#headerTimeout}).
   *
   * @return the count of the last run, kept after it stopped until it starts again; 0 before the first start
   */
  public synchronized long slowConnectionsClosed() {
    return lastRun == null ? 0 : lastRun.slowConnectionsClosed();
  }

  /**
   * How many idle connections that showed no credential were closed to make room for new ones (see
   * {@link HttpCoordinatorBuilder#unauthenticatedConnections}).
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
}
