package dev.fleet.transport.http.internal;

import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.transport.http.model.RemoteEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Reads a coordinator's event stream for a client: once ({@link #recent}), or following it across reconnects
 * ({@link #follow}) with a growing pause between tries and {@code Last-Event-ID}, so that no event is missed or
 * handed over twice; where the coordinator says events were lost, the consumer gets a {@link RemoteEvent.Gap}.
 *
 * <p>Thread-safe: it keeps no state between calls; each call runs on its caller's thread.
 */
public final class EventFollower {
  private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(15);
  /** How long a stream may stay silent, in pings, before it is taken for dead. */
  private static final int SILENT_PINGS = 3;
  private static final long DEFAULT_PING_MILLIS = 15_000;

  private final HttpClient client;
  private final CoordinatorList coordinators;
  private final String credential;
  private final Duration timeout;

  /**
   * @param base the coordinator's URL
   * @param timeout how long the coordinator may take to answer a request for the stream
   */
  public EventFollower(HttpClient client, URI base, String credential, Duration timeout) {
    this(client, new CoordinatorList(List.of(base)), credential, timeout);
  }

  /**
   * Follows the leader among {@code coordinators}: a follower's redirect is followed at once, and a coordinator
   * that cannot be reached or knows no leader is passed over for the next; only when every one failed in a row
   * does the pause between tries apply (or, on the first try, the failure is thrown).
   *
   * @param timeout how long a coordinator may take to answer a request for the stream
   */
  public EventFollower(HttpClient client, CoordinatorList coordinators, String credential, Duration timeout) {
    this.client = client;
    this.coordinators = coordinators;
    this.credential = credential;
    this.timeout = timeout;
  }

  /**
   * Where a stream goes after a failure at {@code at}: to the leader a follower named, or the next coordinator
   * not yet tried in this row of failures; null when none is left (the row is over: pause, or give up).
   */
  private URI moveOn(Throwable failure, URI at, Row row) {
    if (failure instanceof NotLeader n && row.hops < JsonHttp.MAX_HOPS) {
      row.hops++;
      return coordinators.redirected(n.leader());
    }
    boolean passOver = failure instanceof IOException || failure instanceof NotLeader
        || failure instanceof FleetHttpException h && h.status() == 503 && h.type().equals(JsonHttp.NO_LEADER);
    if (!passOver) {
      return null;
    }
    row.tried.add(at);
    row.reasons.add(CoordinatorList.display(at) + ": " + Failures.describe(failure));
    coordinators.failed(at);
    return coordinators.next(at, row.tried);
  }

  /** The failures in a row since a stream last delivered: which coordinators were tried and why they failed. */
  private static final class Row {
    final List<URI> tried = new ArrayList<>();
    final List<String> reasons = new ArrayList<>();
    int hops;

    void clear() {
      tried.clear();
      reasons.clear();
      hops = 0;
    }
  }

  /** The failure to throw when the row is over: with several coordinators, one naming each. */
  private RuntimeException failure(Throwable f, Row row) {
    if (coordinators.size() > 1 && !row.reasons.isEmpty()) {
      return new dev.fleet.transport.http.model.CoordinatorsUnreachableException(row.reasons, f);
    }
    return failure(f);
  }

  /**
   * The events the coordinator holds after {@code lastEventId} (a {@link RemoteEvent.Gap} first if some are no
   * longer held), or without one the newest {@code backlog}; oldest first, without following.
   */
  public List<RemoteEvent> recent(OptionalLong lastEventId, int backlog) throws InterruptedException {
    List<RemoteEvent> out = new ArrayList<>();
    Row row = new Row();
    URI at = coordinators.current();
    while (true) {
      try (EventConnection c = EventConnection.open(client, uri(at, lastEventId.isPresent() ? 0 : backlog, false),
          credential, lastEventId, timeout)) {
        boolean moved = false;
        while (true) {
          EventConnection.Item item = c.next(silence(c));
          if (item == null) {
            throw new UncheckedIOException(new IOException("the coordinator at " + CoordinatorList.display(at)
                + " stopped sending events before the end of what it holds"));
          }
          if (item instanceof EventConnection.End end) {
            if (end.failure() != null) {
              URI next = out.isEmpty() ? moveOn(end.failure(), at, row) : null;
              if (next == null) {
                throw failure(end.failure(), row);
              }
              at = next;
              moved = true;
              break;
            }
            coordinators.answered(at);
            return out;
          }
          if (item instanceof EventConnection.Block b) {
            RemoteEvent e = event(b);
            if (e != null) {
              out.add(e);
            }
          }
        }
        if (!moved) {
          return out;
        }
      }
    }
  }

  /**
   * Follows the stream until the consumer returns false or the thread is interrupted, resuming after
   * {@code lastEventId} if given, else starting with the newest {@code backlog} events held. A lost stream is
   * opened again after a pause that grows from 250 ms to 15 s, the consumer told by a
   * {@link RemoteEvent.Reconnecting} first.
   *
   * @return the id of the last event handed over (or the position the stream had reached), to resume after
   * @throws FleetHttpException if the coordinator refuses the stream for good (a bad id, a wrong credential), or
   *     refuses the first try for any reason
   * @throws UncheckedIOException if the coordinator cannot be reached on the first try
   */
  public OptionalLong follow(OptionalLong lastEventId, int backlog, Predicate<? super RemoteEvent> consumer)
      throws InterruptedException {
    OptionalLong last = lastEventId;
    boolean reached = false;
    Duration pause = FIRST_PAUSE;
    Row row = new Row();
    URI at = coordinators.current();
    while (true) {
      String why;
      Duration wait = null;
      String droppedBecause = null;
      URI next = null;
      try (EventConnection c = EventConnection.open(client, uri(at, last.isPresent() ? 0 : backlog, true),
          credential, last, timeout)) {
        while (true) {
          EventConnection.Item item = c.next(silence(c));
          if (item == null) {
            why = "nothing came from the coordinator for " + silence(c).toSeconds() + " s";
            break;
          }
          if (item instanceof EventConnection.End end) {
            Throwable f = end.failure();
            if (f != null) {
              next = moveOn(f, at, row);
            }
            if (next != null) {
              why = "following the leader";
            } else if (f == null) {
              why = droppedBecause != null ? "the coordinator dropped the stream: " + droppedBecause
                  : "the coordinator ended the stream";
            } else if (!reached || (f instanceof FleetHttpException h && !retryable(h.status()))) {
              throw failure(f, row);
            } else {
              why = (f instanceof java.net.ConnectException ? "cannot reach the coordinator: "
                  : f instanceof FleetHttpException ? "the coordinator refused: " : "the stream broke: ") + describe(f);
              if (f instanceof FleetHttpException h && h.status() == 503) {
                wait = Duration.ofSeconds(1);
              }
            }
            break;
          }
          if (!(item instanceof EventConnection.Block b)) {
            continue; // a ping
          }
          if (!reached) {
            reached = true;
          }
          if (!row.tried.isEmpty() || row.hops > 0 || !at.equals(coordinators.current())) {
            coordinators.answered(at);
          }
          row.clear();
          pause = FIRST_PAUSE;
          if ("dropped".equals(b.event())) {
            droppedBecause = b.data() == null ? "no reason given"
                : Json.readLenient(bytes(b.data()), Wire.DroppedDto.class).reason();
            continue;
          }
          long id = id(b);
          RemoteEvent e = event(b);
          if (e instanceof RemoteEvent.Gap g) {
            last = OptionalLong.of(g.resumesAfter()); // a gap starts the count afresh, even if ids went back
          } else if (id >= 0 && last.isPresent() && id <= last.getAsLong()) {
            continue; // sent before; never handed over twice
          } else if (id >= 0) {
            last = OptionalLong.of(id);
          }
          if (e != null && !consumer.test(e)) {
            return last;
          }
        }
      }
      if (next != null) {
        at = next; // another coordinator, at once: the pause is for when every one failed
        continue;
      }
      row.clear();
      at = coordinators.current();
      Duration delay = wait != null ? wait : pause;
      if (!consumer.test(new RemoteEvent.Reconnecting(why, delay))) {
        return last;
      }
      TimeUnit.MILLISECONDS.sleep(delay.toMillis());
      pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
    }
  }

  private static URI uri(URI base, int backlog, boolean follow) {
    return base.resolve(Endpoint.EVENTS.path() + "?backlog=" + backlog + (follow ? "" : "&follow=false"));
  }

  private static Duration silence(EventConnection c) {
    long ping = c.pingMillis() > 0 ? c.pingMillis() : DEFAULT_PING_MILLIS;
    return Duration.ofMillis(ping * SILENT_PINGS);
  }

  private static boolean retryable(int status) {
    return status == 429 || status >= 500;
  }

  private RuntimeException failure(Throwable f) {
    if (f instanceof RuntimeException r) {
      return r;
    }
    return new UncheckedIOException("cannot reach the coordinator at " + coordinators.display() + ": " + describe(f),
        f instanceof IOException io ? io : new IOException(f));
  }

  private static String describe(Throwable f) {
    String m = f.getMessage();
    return f instanceof java.net.ConnectException ? "connection refused"
        : m == null || m.isBlank() ? f.getClass().getSimpleName() : m;
  }

  private static long id(EventConnection.Block b) {
    if (b.id() == null) {
      return -1;
    }
    try {
      return Long.parseLong(b.id().trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("the coordinator sent an event id that is not a number: '" + b.id() + "'");
    }
  }

  /** The event a block stands for; null for one that is none (the opening, a type this version does not know). */
  private static RemoteEvent event(EventConnection.Block b) {
    if (b.data() == null || b.event() == null) {
      return null;
    }
    try {
      switch (b.event()) {
        case "task" -> {
          Wire.EventDto d = Json.readLenient(bytes(b.data()), Wire.EventDto.class);
          return new RemoteEvent.TaskChanged(Long.parseLong(d.id()), Instant.parse(d.at()), new TaskId(d.task()),
              state(d.from()), state(d.to()), Optional.ofNullable(d.machine()).map(MachineId::new),
              d.attempt() == null ? 0 : d.attempt(), d.reason() == null ? "" : d.reason());
        }
        case "health" -> {
          Wire.EventDto d = Json.readLenient(bytes(b.data()), Wire.EventDto.class);
          return new RemoteEvent.HealthChanged(Long.parseLong(d.id()), Instant.parse(d.at()),
              new MachineId(d.machine()), WireMapping.health(d.from()), WireMapping.health(d.to()),
              d.reason() == null ? "" : d.reason());
        }
        case "gap" -> {
          Wire.GapDto d = Json.readLenient(bytes(b.data()), Wire.GapDto.class);
          return new RemoteEvent.Gap(Long.parseLong(d.lastEventId()), Long.parseLong(d.resumesAfter()),
              d.missed() == null ? OptionalLong.empty() : OptionalLong.of(d.missed()),
              d.reason() == null ? "" : d.reason());
        }
        default -> {
          return null;
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("the coordinator sent a '" + b.event() + "' event this client cannot read: "
          + e.getMessage(), e);
    }
  }

  private static TaskState state(String word) {
    return TaskState.valueOf(word.toUpperCase(Locale.ROOT));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
