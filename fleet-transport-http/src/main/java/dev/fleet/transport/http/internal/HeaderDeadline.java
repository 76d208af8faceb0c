package dev.fleet.transport.http.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose first request has not arrived in full within the header timeout: a client that
 * sends its headers a byte at a time (slowloris) keeps resetting the idle timeout, but not this deadline.
 * Jetty reads headers without a thread per connection, so such clients cost a socket, not a thread, and
 * this bounds how long they keep it.
 *
 * <p>Thread-safe. Added to the connector as a {@link Connection.Listener}; the handler calls
 * {@link #requestArrived} for every request.
 */
public final class HeaderDeadline implements Connection.Listener {
  private static final System.Logger LOG = System.getLogger(HeaderDeadline.class.getName());

  private final Scheduler scheduler;
  private final Duration timeout;
  private final ConcurrentHashMap<Connection, Scheduler.Task> pending = new ConcurrentHashMap<>();
  private final AtomicLong closed = new AtomicLong();

  public HeaderDeadline(Scheduler scheduler, Duration timeout) {
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof SslConnection) {
      return; // the HTTP connection inside it carries the deadline
    }
    pending.put(connection, scheduler.schedule(() -> expire(connection), timeout));
  }

  @Override
  public void onClosed(Connection connection) {
    Scheduler.Task t = pending.remove(connection);
    if (t != null) {
      t.cancel();
    }
  }

  /** A request's headers arrived on this connection: its deadline no longer applies. */
  public void requestArrived(Connection connection) {
    Scheduler.Task t = pending.remove(connection);
    if (t != null) {
      t.cancel();
    }
  }

  /** How many connections were closed for sending their headers too slowly. */
  public long closedConnections() {
    return closed.get();
  }

  private void expire(Connection connection) {
    if (pending.remove(connection) != null) {
      closed.incrementAndGet();
      LOG.log(Level.DEBUG, () -> "closing " + connection.getEndPoint().getRemoteSocketAddress()
          + ": no complete request headers within " + timeout);
      connection.getEndPoint().close();
    }
  }
}
