package dev.fleet.transport.http.internal;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One client's event stream: writes what its {@link EventStream} holds for it, one write at a time, and never
 * more than one outstanding, so a client that does not read costs a stalled socket, not memory or a thread.
 * It is woken (on the server's threads, never the fleet's) when there is something new; a stream the
 * coordinator gives up on ends with a {@code dropped} block if the socket takes it within a grace, else its
 * connection is closed.
 *
 * <p>Thread-safe: {@link IteratingCallback} serializes {@link #process}; the cursor fields are guarded by the
 * stream's lock; the rest is atomic.
 */
final class StreamWriter extends IteratingCallback {
  private static final System.Logger LOG = System.getLogger(StreamWriter.class.getName());
  private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

  private final EventStream stream;
  private final Response response;
  private final Callback done;
  private final EndPoint endPoint;
  private final Executor executor;
  private final String who;
  private final AtomicBoolean wakeScheduled = new AtomicBoolean();
  private final AtomicBoolean pingDue = new AtomicBoolean();
  private final AtomicReference<String> dropReason = new AtomicReference<>();
  /** Blocks to send before any event (the opening, a gap); only {@link #process} touches it after creation. */
  private byte[] prefix;
  private boolean finished;

  // Guarded by the stream's lock.
  /** The sequence number of the next event to send. */
  long cursor;
  /** The newest sequence number when the client connected: what it was owed then is its backlog, not its lag. */
  final long joinedAt;
  /** The last sequence number to send before the stream ends; Long.MAX_VALUE for a stream that follows. */
  final long endAt;

  StreamWriter(EventStream stream, Response response, Callback done, EndPoint endPoint, Executor executor, String who,
      byte[] prefix, long cursor, long joinedAt, long endAt) {
    this.stream = stream;
    this.response = response;
    this.done = done;
    this.endPoint = endPoint;
    this.executor = executor;
    this.who = who;
    this.prefix = prefix;
    this.cursor = cursor;
    this.joinedAt = joinedAt;
    this.endAt = endAt;
  }

  /** Asks for a write of whatever is new, on a server thread; wake-ups while one is pending coalesce. */
  void wake() {
    if (wakeScheduled.compareAndSet(false, true)) {
      try {
        executor.execute(() -> {
          wakeScheduled.set(false);
          iterate();
        });
      } catch (RejectedExecutionException e) {
        wakeScheduled.set(false);
        abort(e);
      }
    }
  }

  /** A ping is due: the next write carries one even if nothing else is new. */
  void ping() {
    pingDue.set(true);
    wake();
  }

  /**
   * Gives up on the stream: its last block says why, if the client reads it within {@code graceMillis};
   * otherwise the connection is closed. Returns false if it was given up on already.
   */
  boolean drop(String reason, long graceMillis, org.eclipse.jetty.util.thread.Scheduler scheduler) {
    if (!dropReason.compareAndSet(null, reason)) {
      return false;
    }
    LOG.log(Level.INFO, () -> "dropping the event stream of " + who + ": " + reason);
    wake();
    scheduler.schedule(() -> {
      if (!isSucceeded() && !isFailed()) {
        endPoint.close(); // the socket took nothing for the grace: the pending write fails and the stream ends
      }
    }, graceMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    return true;
  }

  @Override
  protected Action process() {
    if (finished) {
      return Action.SUCCEEDED;
    }
    String reason = dropReason.get();
    if (reason != null) {
      finished = true;
      response.write(true, ByteBuffer.wrap(EventFrames.dropped(reason)), this);
      return Action.SCHEDULED;
    }
    byte[] head = prefix;
    prefix = null;
    ByteBuffer batch = stream.take(this, head, pingDue.getAndSet(false) ? EventFrames.PING : null);
    if (batch != null) {
      response.write(false, batch, this);
      return Action.SCHEDULED;
    }
    if (stream.caughtUp(this)) {
      finished = true; // a stream that does not follow ends once it has sent what was held when it began
      response.write(true, NOTHING, this);
      return Action.SCHEDULED;
    }
    return Action.IDLE;
  }

  @Override
  protected void onCompleteSuccess() {
    stream.remove(this);
    done.succeeded();
  }

  @Override
  protected void onCompleteFailure(Throwable cause) {
    stream.remove(this);
    LOG.log(Level.DEBUG, () -> "the event stream of " + who + " ended: " + cause);
    done.failed(cause);
  }

  @Override
  public String toString() {
    return "StreamWriter[" + who + "]";
  }
}
