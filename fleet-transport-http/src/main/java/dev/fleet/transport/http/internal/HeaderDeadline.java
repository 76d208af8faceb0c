package dev.fleet.transport.http.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection that does not send a request's headers in full within the header timeout, on every
 * request of a kept-alive connection, not just its first: a client that sends its headers a byte at a time
 * (slowloris) keeps resetting the idle timeout, but not this deadline.
 *
 * <p>The clock starts when the connection opens (for its first request) and, on a kept-alive connection, when the
 * first bytes of the next request arrive after the previous one was answered, so a connection that waits quietly
 * between requests is left to the idle timeout, like any keep-alive connection. It stops when the request's
 * headers are complete (the handler calls {@link #requestArrived}). Jetty reads headers without a thread per
 * connection, so such clients cost a socket, not a thread, and this bounds how long they keep it.
 *
 * <p>Thread-safe. The coordinator's connector is made by {@link #newConnector}; its end points carry the clock.
 */
public final class HeaderDeadline {
  private static final System.Logger LOG = System.getLogger(HeaderDeadline.class.getName());

  private final Scheduler scheduler;
  private final dev.fleet.spi.Ticker ticker;
  private final Duration timeout;
  private final long timeoutNanos;
  private final AtomicLong closed = new AtomicLong();

  /**
   * @param scheduler runs the checks (the server's)
   * @param ticker the coordinator's time source; the deadline is measured on it
   * @param timeout how long a request's headers may take
   */
  public HeaderDeadline(Scheduler scheduler, dev.fleet.spi.Ticker ticker, Duration timeout) {
    this.scheduler = scheduler;
    this.ticker = java.util.Objects.requireNonNull(ticker, "ticker");
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
  }

  /** A server connector whose connections are held to this deadline. */
  public ServerConnector newConnector(Server server, int selectors, ConnectionFactory... factories) {
    return new ServerConnector(server, 1, selectors, factories) {
      @Override
      protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        DeadlineEndPoint endPoint = new DeadlineEndPoint(channel, selector, key, getScheduler());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
      }
    };
  }

  /**
   * A request's headers arrived: its connection's clock stops until the response is done and the next request
   * begins. Returns the callback to complete the request with, which restarts the watch when it completes.
   */
  public static Callback requestArrived(Request request, Callback callback) {
    EndPoint e = request.getConnectionMetaData().getConnection().getEndPoint();
    while (e instanceof EndPoint.Wrapper w && !(e instanceof DeadlineEndPoint)) {
      e = w.unwrap(); // TLS: the network end point under the decrypted one
    }
    if (!(e instanceof DeadlineEndPoint d)) {
      return callback;
    }
    d.arrived();
    return new Callback.Nested(callback) {
      @Override
      public void succeeded() {
        d.answered();
        super.succeeded();
      }

      @Override
      public void failed(Throwable x) {
        d.answered();
        super.failed(x);
      }
    };
  }

  /** How many connections were closed for sending their headers too slowly. */
  public long closedConnections() {
    return closed.get();
  }

  /** A socket end point that keeps the header clock of its connection. */
  private final class DeadlineEndPoint extends SocketChannelEndPoint {
    /** When the awaited request began (never 0), or 0 when no request's headers are awaited. */
    private volatile long headerStart;
    /** Between a request's headers and the end of its response, arriving bytes belong to that request. */
    private volatile boolean inRequest;
    /** Whether a check is scheduled; at most one is, however many requests the connection carries. */
    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    /** The scheduled check, cancelled when the connection closes so it does not keep the end point. */
    private volatile Scheduler.Task pending;

    DeadlineEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
      super(channel, selector, key, scheduler);
    }

    @Override
    public void onOpen() {
      super.onOpen();
      begin(); // the first request's clock runs from the connection's opening
    }

    @Override
    public void onClose(Throwable cause) {
      super.onClose(cause);
      Scheduler.Task t = pending;
      if (t != null) {
        t.cancel();
      }
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
      int n = super.fill(buffer);
      if (n > 0 && headerStart == 0 && !inRequest) {
        begin(); // the first bytes of the next request on a kept-alive connection
      }
      return n;
    }

    private void begin() {
      long now = ticker.read();
      headerStart = now == 0 ? 1 : now;
      schedule(timeoutNanos);
    }

    void arrived() {
      inRequest = true;
      headerStart = 0;
    }

    void answered() {
      inRequest = false;
    }

    private void schedule(long delayNanos) {
      if (checkScheduled.compareAndSet(false, true)) {
        pending = scheduler.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
      }
    }

    private void check() {
      if (!isOpen()) {
        return;
      }
      long start = headerStart;
      if (start == 0) {
        checkScheduled.set(false);
        long again = headerStart; // a request that began while this check ran gets its own
        if (again != 0) {
          schedule(Math.max(0, again + timeoutNanos - ticker.read()));
        }
        return;
      }
      long left = start + timeoutNanos - ticker.read();
      if (left > 0) {
        pending = scheduler.schedule(this::check, left, TimeUnit.NANOSECONDS);
        return;
      }
      closed.incrementAndGet();
      LOG.log(Level.DEBUG, () -> "closing " + getRemoteSocketAddress() + ": no complete request headers within "
          + timeout);
      close();
    }
  }
}
