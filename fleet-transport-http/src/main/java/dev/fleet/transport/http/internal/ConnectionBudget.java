package dev.fleet.transport.http.internal;

import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.internal.Credentials.Admin;
import dev.fleet.transport.http.internal.Credentials.MachinePrincipal;
import dev.fleet.transport.http.internal.Credentials.Principal;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Keeps connections that have not shown a credential from crowding out those that have. A connection starts
 * <em>unauthenticated</em>, with a short idle timeout; the first request on it with a valid machine credential or
 * the client token makes it <em>authenticated</em>, with the normal idle timeout, for as long as it stays open.
 * Unauthenticated connections may hold only part of the connector's slots, and only so many per remote address.
 * When a new connection goes over either bound, or fills the last slot, the oldest idle unauthenticated
 * connection (of the newcomer's address first) is closed to make room, and the newcomer is served: a flood of
 * idle or slow connections recycles its own slots, while a machine that reconnects or joins, or a client with its
 * token, gets in, even from the flood's address. A connection younger than {@link #GRACE} is spared, so a burst
 * of newer ones cannot push out a machine's connection before its first request is read, as long as only the
 * per-address bound is passed; the bound on all unauthenticated connections is hard, and closes the oldest of
 * any age. Only when all those slots are busy (joins in progress) is the newcomer itself closed.
 *
 * <p>Jetty tells it of each connection as a {@link Connection.Listener} (a bean of the connector); the request
 * pipeline tells it when a request arrives ({@link #requestArrived}) and when one carried a valid credential
 * ({@link #authenticated}). A connection handling a request with a credential is busy, not idle, and is never
 * closed to make room.
 *
 * <p>Thread-safe: Jetty calls it on any thread; which connections are unauthenticated, and their order, is
 * guarded by one lock taken when a connection opens, closes or first authenticates, never per request.
 */
public final class ConnectionBudget implements Connection.Listener {
  /**
   * How long a new connection is spared, so it can send its first request: a burst of newer connections from a
   * flood on the same address would otherwise push out a machine's connection before its bytes are read.
   */
  static final Duration GRACE = Duration.ofMillis(250);
  private static final long GRACE_NANOS = GRACE.toNanos();

  /**
   * How much unauthenticated connections may hold.
   *
   * <p>Immutable and thread-safe.
   *
   * @param maxUnauthenticated the most unauthenticated connections open at once, over all addresses; below the
   *     connector's connection limit, so the rest is kept for machines and clients with credentials
   * @param maxUnauthenticatedPerAddress the most from one remote address
   * @param unauthenticatedIdleTimeout how long an unauthenticated connection may stay silent
   */
  public record Settings(int maxUnauthenticated, int maxUnauthenticatedPerAddress,
      Duration unauthenticatedIdleTimeout) {
    /** @throws IllegalArgumentException naming the value, if a bound is under 1 or the timeout not positive */
    public Settings {
      CoordinatorSettings.atLeast("maxUnauthenticatedConnections", maxUnauthenticated, 1);
      CoordinatorSettings.atLeast("maxUnauthenticatedPerAddress", maxUnauthenticatedPerAddress, 1);
      if (maxUnauthenticatedPerAddress > maxUnauthenticated) {
        throw new IllegalArgumentException("maxUnauthenticatedPerAddress (" + maxUnauthenticatedPerAddress
            + ") must not exceed maxUnauthenticatedConnections (" + maxUnauthenticated + ")");
      }
      CoordinatorSettings.positive("unauthenticatedIdleTimeout", unauthenticatedIdleTimeout);
    }

    /**
     * @throws IllegalArgumentException unless unauthenticated connections leave room under {@code maxConnections}
     *     and time out no later than authenticated ones
     */
    void checkAgainst(int maxConnections, Duration idleTimeout) {
      if (maxUnauthenticated >= maxConnections) {
        throw new IllegalArgumentException("maxUnauthenticatedConnections (" + maxUnauthenticated + ") must be "
            + "below maxConnections (" + maxConnections + "), so room is kept for machines and clients with a "
            + "credential");
      }
      if (unauthenticatedIdleTimeout.compareTo(idleTimeout) > 0) {
        throw new IllegalArgumentException("unauthenticatedIdleTimeout " + unauthenticatedIdleTimeout
            + " must not exceed idleTimeout " + idleTimeout);
      }
    }
  }

  private final Settings settings;
  private final Ticker ticker;
  private final int maxConnections;
  private final long idleMillis;
  private final long unauthenticatedIdleMillis;
  private final ShedConnections log;
  private final Map<EndPoint, Tracked> open = new ConcurrentHashMap<>();
  private final AtomicLong shed = new AtomicLong();
  private final Object lock = new Object();
  /** Unauthenticated connections, oldest first. Guarded by {@link #lock}. */
  private final LinkedHashSet<Tracked> unauthenticated = new LinkedHashSet<>();
  /** The same, by remote address. Guarded by {@link #lock}. */
  private final Map<String, LinkedHashSet<Tracked>> byAddress = new HashMap<>();
  /** Open connections, authenticated or not. Guarded by {@link #lock}. */
  private int total;

  /**
   * @param maxConnections the connector's connection limit
   * @param idleTimeout the idle timeout of an authenticated connection
   * @param ticker the coordinator's time source, on which a connection's age is measured
   * @param log told of each connection closed to make room
   */
  public ConnectionBudget(Settings settings, int maxConnections, Duration idleTimeout, Ticker ticker,
      ShedConnections log) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    settings.checkAgainst(maxConnections, idleTimeout);
    this.maxConnections = maxConnections;
    this.idleMillis = idleTimeout.toMillis();
    this.unauthenticatedIdleMillis = settings.unauthenticatedIdleTimeout().toMillis();
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public void onOpened(Connection connection) {
    EndPoint endPoint = connection.getEndPoint();
    if (!(endPoint instanceof SocketChannelEndPoint)) {
      return; // a connection over another (HTTP over TLS): its network connection is the one counted
    }
    endPoint.setIdleTimeout(unauthenticatedIdleMillis);
    long now = ticker.read();
    Tracked newcomer = new Tracked(this, endPoint, address(endPoint.getRemoteSocketAddress()), now);
    List<Tracked> victims = new ArrayList<>(1);
    String reason = null;
    synchronized (lock) {
      open.put(endPoint, newcomer);
      total++;
      unauthenticated.add(newcomer);
      LinkedHashSet<Tracked> same = byAddress.computeIfAbsent(newcomer.address, a -> new LinkedHashSet<>());
      same.add(newcomer);
      // Over its address's share the address pays, not the newcomer: it may be a machine behind the same address
      // as a flood (a NAT; loopback in tests), which must still get its request in.
      while (same.size() > settings.maxUnauthenticatedPerAddress() && shedOldestIdle(same, newcomer, now,
          GRACE_NANOS, victims)) {
        reason = "over " + settings.maxUnauthenticatedPerAddress() + " unauthenticated connections from "
            + newcomer.address;
      }
      while (unauthenticated.size() > settings.maxUnauthenticated() || total >= maxConnections) {
        String why = total >= maxConnections ? "the connection limit " + maxConnections + " reached"
            : "over " + settings.maxUnauthenticated() + " unauthenticated connections in all";
        // The newcomer's own address pays first: a flood recycles its own connections before anyone else's.
        // Here no one is spared for youth: the bound is hard, and the oldest has had the most time to show a
        // credential.
        if (!shedOldestIdle(same, newcomer, now, 0, victims)
            && !shedOldestIdle(unauthenticated, newcomer, now, 0, victims)) {
          break;
        }
        reason = why;
      }
      if (unauthenticated.size() > settings.maxUnauthenticated()) {
        // Every other one is busy with a join: the newcomer goes, so the slots kept for credentials stay free.
        drop(newcomer);
        victims.add(newcomer);
        reason = settings.maxUnauthenticated() + " unauthenticated connections open and busy; refused the new one";
      }
      // At the connection limit with nothing to close, the connector's own limit stops accepting until one closes.
    }
    for (Tracked victim : victims) {
      shed.incrementAndGet();
      log.shed(victim.address, reason);
      victim.endPoint.close();
    }
  }

  @Override
  public void onClosed(Connection connection) {
    Tracked t = open.remove(connection.getEndPoint());
    if (t != null) {
      synchronized (lock) {
        if (!t.dropped) {
          total--;
          forget(t);
        }
      }
    }
  }

  /**
   * A request's headers arrived. Returns the callback to complete it with, which ends the connection's busy
   * spell (see {@link #authenticated}) when it completes.
   */
  public static Callback requestArrived(Request request, Callback callback) {
    Tracked t = tracked(request);
    if (t == null) {
      return callback;
    }
    return new Callback.Nested(callback) {
      @Override
      public void succeeded() {
        t.answered();
        super.succeeded();
      }

      @Override
      public void failed(Throwable x) {
        t.answered();
        super.failed(x);
      }
    };
  }

  /**
   * A request's credential was accepted ({@code who} is null for an endpoint anyone may call). A request with a
   * credential makes its connection busy until it is answered, with the normal idle timeout while it reads the
   * body and is handled, so a join is not cut off half-way; one without does not, so requests anyone may send (a
   * slowly sent body to {@code /v1/ping}) cannot shield a connection. A machine's credential or the client token
   * makes the connection authenticated for good; the join token does not (it is shared, and a joined machine
   * soon shows its own).
   */
  public static void authenticated(Request request, Principal who) {
    if (who == null) {
      return;
    }
    Tracked t = tracked(request);
    if (t == null) {
      return;
    }
    if (!t.authenticated) {
      t.busy = true;
      t.endPoint.setIdleTimeout(t.budget.idleMillis);
      if (who instanceof MachinePrincipal || who instanceof Admin) {
        t.budget.promote(t);
      }
    }
  }

  private void promote(Tracked t) {
    synchronized (lock) {
      if (t.authenticated) {
        return;
      }
      t.authenticated = true;
      forget(t);
    }
  }

  /** Connections closed so far to make room for others. */
  public long shedConnections() {
    return shed.get();
  }

  /** Open connections that have not authenticated. */
  public int unauthenticatedConnections() {
    synchronized (lock) {
      return unauthenticated.size();
    }
  }

  /** Open connections, authenticated or not. */
  public int openConnections() {
    synchronized (lock) {
      return total;
    }
  }

  /**
   * Takes the oldest connection of {@code from}, other than {@code newcomer}, that is idle and open for at least
   * {@code minAgeNanos} out of the unauthenticated ones, and lists it to be closed; false if there is none.
   * Called under {@link #lock}.
   */
  private boolean shedOldestIdle(LinkedHashSet<Tracked> from, Tracked newcomer, long now, long minAgeNanos,
      List<Tracked> victims) {
    for (Iterator<Tracked> it = from.iterator(); it.hasNext(); ) {
      Tracked t = it.next();
      if (t == newcomer || now - t.openedAt < minAgeNanos) {
        return false; // oldest first: the rest are newer still
      }
      if (!t.busy) {
        drop(t);
        victims.add(t);
        return true;
      }
    }
    return false;
  }

  /**
   * Counts a connection about to be closed as closed already, so the next newcomer does not make room again for
   * it before Jetty reports it closed. Called under {@link #lock}.
   */
  private void drop(Tracked t) {
    forget(t);
    t.dropped = true;
    total--;
  }

  /** Takes a connection out of the unauthenticated ones. Called under {@link #lock}. */
  private void forget(Tracked t) {
    if (unauthenticated.remove(t)) {
      LinkedHashSet<Tracked> same = byAddress.get(t.address);
      if (same != null) {
        same.remove(t);
        if (same.isEmpty()) {
          byAddress.remove(t.address);
        }
      }
    }
  }

  private static Tracked tracked(Request request) {
    EndPoint e = request.getConnectionMetaData().getConnection().getEndPoint();
    while (e instanceof EndPoint.Wrapper w && !(e instanceof SocketChannelEndPoint)) {
      e = w.unwrap(); // TLS: the network end point under the decrypted one
    }
    Connector connector = request.getConnectionMetaData().getConnector();
    ConnectionBudget budget = connector == null ? null : connector.getBean(ConnectionBudget.class);
    return budget == null ? null : budget.open.get(e);
  }

  private static String address(SocketAddress a) {
    return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress()
        : String.valueOf(a);
  }

  /** One open network connection. */
  private static final class Tracked {
    final ConnectionBudget budget;
    final EndPoint endPoint;
    final String address;
    /** When it opened, on the budget's ticker. */
    final long openedAt;
    /** Set once, under the budget's lock; read without it to skip the lock on later requests. */
    volatile boolean authenticated;
    /** Closed to make room, and no longer counted. Guarded by the budget's lock. */
    boolean dropped;
    /** Between the acceptance of a request's credential and the end of its response. */
    volatile boolean busy;

    /** Its request was answered: an unauthenticated connection goes back to the short idle timeout. */
    void answered() {
      if (busy) {
        busy = false;
        if (!authenticated) {
          endPoint.setIdleTimeout(budget.unauthenticatedIdleMillis);
        }
      }
    }

    Tracked(ConnectionBudget budget, EndPoint endPoint, String address, long openedAt) {
      this.budget = budget;
      this.openedAt = openedAt;
      this.endPoint = endPoint;
      this.address = address;
    }
  }
}
