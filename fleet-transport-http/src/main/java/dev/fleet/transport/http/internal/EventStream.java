package dev.fleet.transport.http.internal;

import dev.fleet.FleetEvent;
import dev.fleet.FleetListener;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * {@code GET /v1/events}: the fleet's events as server-sent events, resumable with {@code Last-Event-ID}.
 *
 * <p>It listens to the fleet and keeps the last {@link Settings#history} events, encoded once, in a ring. Event ids
 * are {@code run * 1,000,000,000 + n}: {@code run} is the wall-clock second this coordinator run began (later than
 * the run before it in the same JVM), {@code n} counts the run's events from 1, so ids grow within a run and, while
 * the wall clock does, across restarts. A client that resumes from an id the ring still holds gets every event after
 * it, none twice; from an id older than the ring, or of another run, it first gets a {@code gap} event saying so,
 * then what the ring holds. Never a silent hole.
 *
 * <p>The fleet never waits for a client: the listener appends to the ring and wakes the clients' writers on the
 * server's threads. Each client may fall at most {@link Settings#queue} events behind what happened after it
 * connected (and never behind the ring); a client that does is dropped with a {@code dropped} event naming the
 * reason, and may reconnect and resume. A ping comment goes out every {@link Settings#ping}; idle timeouts meant for
 * other requests do not end a stream. At most {@link Settings#maxStreams} streams are open at once; one more is a
 * 503.
 *
 * <p>Thread-safe: the ring and the set of clients are guarded by one lock, held only to copy or append references.
 */
public final class EventStream implements FleetListener, AutoCloseable {
  /** Event ids of one run: {@code run * RUN_SPAN + n}. */
  static final long RUN_SPAN = 1_000_000_000L;
  /** At most this many bytes of events go in one write. */
  private static final int MAX_BATCH_BYTES = 64 * 1024;

  /**
   * How the stream is bounded.
   *
   * @param maxStreams streams open at once
   * @param history events remembered for clients that resume
   * @param queue events a client may fall behind before it is dropped
   * @param ping how often an idle stream gets a ping comment
   * @param dropGrace how long a dropped client's socket has to take the {@code dropped} event before it is closed
   */
  public record Settings(int maxStreams, int history, int queue, Duration ping, Duration dropGrace) {
    public Settings {
      if (maxStreams < 1 || history < 1 || queue < 1) {
        throw new IllegalArgumentException("event streams, history and queue must be >= 1, got " + maxStreams + ", "
            + history + " and " + queue);
      }
      if (ping.isNegative() || ping.isZero() || dropGrace.isNegative()) {
        throw new IllegalArgumentException("the ping interval must be positive and the drop grace >= 0, got " + ping
            + " and " + dropGrace);
      }
    }
  }

  private final long run;
  private final long base;
  private final InstantSource clock;
  private final Settings settings;
  private final Scheduler scheduler;
  private final Executor executor;
  private final AtomicLong dropped = new AtomicLong();
  private final Object lock = new Object();
  private final EventRing ring;
  private final Set<StreamWriter> writers = new LinkedHashSet<>();
  private boolean closed;
  /** The ping timer, started with the first stream: the server's scheduler runs nothing before the server does. */
  private Scheduler.Task pinger;

  /**
   * @param run this run's number, the wall-clock second it began; ids are {@code run * 1,000,000,000 + n}
   * @param executor the server's threads, which write to clients
   */
  public EventStream(long run, InstantSource clock, Settings settings, Scheduler scheduler, Executor executor) {
    if (run < 1 || run > Long.MAX_VALUE / RUN_SPAN - 1) {
      throw new IllegalArgumentException("event stream run must be in [1, " + (Long.MAX_VALUE / RUN_SPAN - 1)
          + "], got " + run);
    }
    this.run = run;
    this.base = run * RUN_SPAN;
    this.clock = clock;
    this.settings = settings;
    this.scheduler = scheduler;
    this.executor = executor;
    this.ring = new EventRing(settings.history());
  }

  /** This run's number. */
  public long run() {
    return run;
  }

  /** How many streams were dropped for falling behind (or at shutdown) since this run began. */
  public long dropped() {
    return dropped.get();
  }

  /** Streams open now. */
  public int open() {
    synchronized (lock) {
      return writers.size();
    }
  }

  /** Appends the event to the ring and wakes the streams; drops those it leaves too far behind. Never blocks. */
  @Override
  public void onEvent(FleetEvent event) {
    List<StreamWriter> wake;
    List<StreamWriter> behind = null;
    synchronized (lock) {
      long seq = ring.latest() + 1;
      ring.add(EventFrames.event(base + seq, clock.instant(), event));
      long oldest = ring.oldest();
      wake = new ArrayList<>(writers.size());
      for (StreamWriter w : writers) {
        if (w.cursor > w.endAt) {
          continue;
        }
        long lag = seq - Math.max(w.cursor - 1, w.joinedAt);
        if (w.cursor < oldest || lag > settings.queue()) {
          if (behind == null) {
            behind = new ArrayList<>();
          }
          behind.add(w);
        } else {
          wake.add(w);
        }
      }
    }
    for (StreamWriter w : wake) {
      w.wake();
    }
    if (behind != null) {
      for (StreamWriter w : behind) {
        drop(w, "it fell more than " + settings.queue() + " events behind; reconnect with Last-Event-ID to resume");
      }
    }
  }

  private void drop(StreamWriter w, String reason) {
    if (w.drop(reason, settings.dropGrace().toMillis(), scheduler)) {
      dropped.incrementAndGet();
    }
  }

  /**
   * Opens a stream for a request: checks its {@code Last-Event-ID} (or {@code lastEventId}), {@code backlog} and
   * {@code follow} before anything is sent, then answers 200 {@code text/event-stream} and returns; the stream is
   * written later, by the server's threads.
   *
   * @throws Problem 400 for a bad value, 503 when the most streams are open
   */
  public void open(Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    for (String name : query.getNames()) {
      if (!name.equals("backlog") && !name.equals("follow") && !name.equals("lastEventId")) {
        throw Problem.badRequest("unknown query parameter '" + WireMapping.abbreviate(name) + "'; GET /v1/events "
            + "takes backlog, follow and lastEventId");
      }
    }
    String lastText = request.getHeaders().get("Last-Event-ID");
    if (lastText == null) {
      lastText = query.getValue("lastEventId");
    }
    Long last = lastText == null || lastText.isBlank() ? null : eventId(lastText.trim());
    int backlog = backlog(query.getValue("backlog"));
    boolean follow = follow(query.getValue("follow"));

    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Accel-Buffering", "no"); // a proxy must pass events on as they come
    response.getHeaders().put("Fleet-Ping-Millis", Long.toString(settings.ping().toMillis()));
    String who = address(request.getConnectionMetaData().getRemoteSocketAddress());
    StreamWriter w;
    synchronized (lock) {
      if (closed) {
        throw new Problem(503, "shutting-down", "the coordinator is stopping; reconnect in a moment", 1);
      }
      if (writers.size() >= settings.maxStreams()) {
        throw new Problem(503, "too-many-streams", "the coordinator serves at most " + settings.maxStreams()
            + " event streams at once and all are taken; close one or retry later", 5);
      }
      long latest = ring.latest();
      long oldest = ring.oldest();
      long cursor;
      byte[] gap = null;
      if (last == null) {
        cursor = Math.max(oldest, latest - backlog + 1);
      } else {
        long n = last - base;
        if (last / RUN_SPAN != run || n > latest) {
          cursor = oldest;
          gap = EventFrames.gap(lastText.trim(), base + cursor - 1, null, "event " + last + " was not sent by this "
              + "run of the coordinator (it has restarted since) and the events of earlier runs are not kept; what "
              + "this run holds follows");
        } else if (n < oldest - 1) {
          cursor = oldest;
          gap = EventFrames.gap(lastText.trim(), base + cursor - 1, oldest - 1 - n, (oldest - 1 - n) + " events "
              + "after " + last + " are no longer held (the coordinator keeps the last " + settings.history() + ")");
        } else {
          cursor = n + 1;
        }
      }
      byte[] hello = EventFrames.hello(run, settings.ping().toMillis(), base + cursor - 1);
      byte[] prefix = gap == null ? hello : concat(hello, gap);
      w = new StreamWriter(this, response, callback, request.getConnectionMetaData().getConnection().getEndPoint(),
          executor, who, prefix, cursor, latest, follow ? Long.MAX_VALUE : latest);
      writers.add(w);
      if (pinger == null) {
        schedulePing();
      }
    }
    StreamWriter writer = w;
    request.addIdleTimeoutListener(timeout -> false); // pings keep a stream alive; nothing idle to time out
    request.addFailureListener(writer::abort);
    writer.iterate();
  }

  /**
   * What a writer sends next: its prefix, then held events from its cursor (advancing it), then a ping; null if
   * there is nothing.
   */
  ByteBuffer take(StreamWriter w, byte[] prefix, byte[] ping) {
    ByteArrayOutputStream out = null;
    if (prefix != null) {
      out = new ByteArrayOutputStream(prefix.length + 1024);
      out.writeBytes(prefix);
    }
    synchronized (lock) {
      long until = Math.min(ring.latest(), w.endAt);
      while (w.cursor <= until && w.cursor >= ring.oldest() && (out == null || out.size() < MAX_BATCH_BYTES)) {
        if (out == null) {
          out = new ByteArrayOutputStream(4096);
        }
        out.writeBytes(ring.get(w.cursor));
        w.cursor++;
      }
    }
    if (ping != null && out == null) {
      return ByteBuffer.wrap(ping);
    }
    return out == null ? null : ByteBuffer.wrap(out.toByteArray());
  }

  /** Whether a stream that does not follow has sent everything it was to send. */
  boolean caughtUp(StreamWriter w) {
    synchronized (lock) {
      return w.cursor > w.endAt;
    }
  }

  void remove(StreamWriter w) {
    synchronized (lock) {
      writers.remove(w);
    }
  }

  /** Ends every stream with a {@code dropped} event and stops pinging; later requests are answered 503. */
  @Override
  public void close() {
    List<StreamWriter> all;
    Scheduler.Task p;
    synchronized (lock) {
      closed = true;
      all = new ArrayList<>(writers);
      p = pinger;
    }
    if (p != null) {
      p.cancel();
    }
    for (StreamWriter w : all) {
      drop(w, "the coordinator is stopping; reconnect with Last-Event-ID to resume once it is back");
    }
  }

  /** Called under the lock. */
  private void schedulePing() {
    pinger = scheduler.schedule(() -> {
      List<StreamWriter> all;
      synchronized (lock) {
        if (closed) {
          return;
        }
        all = new ArrayList<>(writers);
        schedulePing();
      }
      for (StreamWriter w : all) {
        w.ping();
      }
    }, settings.ping().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static long eventId(String text) {
    try {
      long id = Long.parseLong(text);
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.badRequest("Last-Event-ID must be the id of an event this coordinator sent (decimal digits), got '"
        + WireMapping.abbreviate(text) + "'");
  }

  private int backlog(String text) {
    if (text == null) {
      return 0;
    }
    if (text.trim().toLowerCase(Locale.ROOT).equals("all")) {
      return settings.history();
    }
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= 0) {
        return Math.min(n, settings.history());
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.badRequest("query parameter 'backlog' must be a whole number >= 0 or 'all', got '"
        + WireMapping.abbreviate(text) + "'");
  }

  private static boolean follow(String text) {
    if (text == null || text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw Problem.badRequest("query parameter 'follow' must be true or false, got '" + WireMapping.abbreviate(text)
        + "'");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String address(SocketAddress a) {
    return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() + ":"
        + i.getPort() : String.valueOf(a);
  }
}
