package dev.fleet.transport.http.internal;

import dev.fleet.transport.http.model.CoordinatorsUnreachableException;
import dev.fleet.transport.http.model.FleetHttpException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * JSON requests to a coordinator over the JDK {@link HttpClient}: documents out, records back, problems as
 * {@link FleetHttpException}s. Network failures complete the future with the client's {@code IOException}.
 *
 * <p>With several coordinators ({@link CoordinatorList}) every request follows the leader: a 307 not-leader
 * answer sends it at once to the leader it names (at most {@link #MAX_HOPS} times), and a refused or reset
 * connection, a timeout or a 503 no-leader answer sends it to the next coordinator of the list, until each was
 * tried once; then it fails with a {@link CoordinatorsUnreachableException} naming every URL tried, and the
 * caller backs off as it always does. With one coordinator a failure is handed over as it came.
 *
 * <p>Thread-safe: the client and the list are.
 */
public final class JsonHttp {
  /** Redirects to the leader one request follows at most: leadership may move while it is on its way. */
  static final int MAX_HOPS = 3;
  static final String NOT_LEADER = "urn:dev.fleet:problem:not-leader";
  static final String NO_LEADER = "urn:dev.fleet:problem:no-leader";

  private final HttpClient client;
  private final CoordinatorList coordinators;

  public JsonHttp(HttpClient client, URI base) {
    this(client, new CoordinatorList(List.of(Objects.requireNonNull(base, "base"))));
  }

  public JsonHttp(HttpClient client, CoordinatorList coordinators) {
    this.client = Objects.requireNonNull(client, "client");
    this.coordinators = Objects.requireNonNull(coordinators, "coordinators");
  }

  /** The coordinator asked first now: the leader as far as this client knows. */
  public URI base() {
    return coordinators.current();
  }

  /** The coordinators this client may ask. */
  public CoordinatorList coordinators() {
    return coordinators;
  }

  /** Sends a request; {@code body} null sends none. The type {@code Void} reads nothing back. */
  public <T> CompletableFuture<T> send(String method, String path, String credential, Object body, Class<T> type,
      Duration timeout) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    start(method, path, credential, body, timeout, answer::complete, answer::completeExceptionally);
    return answer.thenApply(a -> decode(a.status(), a.contentType(), a.retryAfter(), a.body(), type));
  }

  /**
   * Sends a request and hands the answer, or why there is none, to {@code then} on {@code on}, exactly once.
   *
   * <p>The answer is read and decoded by the client's body subscriber, on the client's executor, and handed to
   * {@code on} from there: the future {@link HttpClient#sendAsync} returns completes on the common pool, a
   * detour of two thread hand-offs per response that an agent under load feels. Only a request that gets no
   * answer at all (refused, timed out) takes that route.
   */
  public <T> void exchange(String method, String path, String credential, Object body, Class<T> type,
      Duration timeout, Executor on, BiConsumer<? super T, Throwable> then) {
    AtomicBoolean done = new AtomicBoolean();
    start(method, path, credential, body, timeout, a -> {
      T value = null;
      Throwable failure = null;
      try {
        value = decode(a.status(), a.contentType(), a.retryAfter(), a.body(), type);
      } catch (RuntimeException e) {
        failure = e;
      }
      hand(done, on, then, value, failure);
    }, failure -> hand(done, on, then, null, failure));
  }

  /** An answer from the coordinator that served a request: its URL, status, media type and body. */
  private record Answer(URI at, int status, String contentType, String retryAfter, byte[] body) {}

  /** One request on its way through the list: where it went, and why each coordinator failed. */
  private final class Trip {
    final String method;
    final String path;
    final String credential;
    final byte[] body;
    final Duration timeout;
    final Consumer<Answer> answered;
    final Consumer<Throwable> failed;
    final List<URI> tried = new ArrayList<>();
    final List<String> reasons = new ArrayList<>();
    int hops;

    Trip(String method, String path, String credential, byte[] body, Duration timeout, Consumer<Answer> answered,
        Consumer<Throwable> failed) {
      this.method = method;
      this.path = path.startsWith("/") ? path.substring(1) : path;
      this.credential = credential;
      this.body = body;
      this.timeout = timeout;
      this.answered = answered;
      this.failed = failed;
    }
  }

  private void start(String method, String path, String credential, Object body, Duration timeout,
      Consumer<Answer> answered, Consumer<Throwable> failed) {
    byte[] bytes;
    try {
      bytes = body == null ? null : Json.write(body);
    } catch (RuntimeException e) {
      failed.accept(e);
      return;
    }
    attempt(new Trip(method, path, credential, bytes, timeout, answered, failed), coordinators.current());
  }

  /** Sends the trip's request to {@code at}; what comes back decides where it goes next, if anywhere. */
  private void attempt(Trip trip, URI at) {
    HttpRequest request;
    try {
      request = request(at, trip);
    } catch (RuntimeException e) {
      trip.failed.accept(e);
      return;
    }
    AtomicBoolean settled = new AtomicBoolean();
    HttpResponse.BodyHandler<Void> handler = info -> HttpResponse.BodySubscribers.mapping(
        HttpResponse.BodySubscribers.ofByteArray(), bytes -> {
          if (settled.compareAndSet(false, true)) {
            answered(trip, at, info.statusCode(), info.headers().firstValue("Content-Type").orElse(""),
                info.headers().firstValue("Location").orElse(null),
                info.headers().firstValue("Retry-After").orElse(null), bytes);
          }
          return null;
        });
    client.sendAsync(request, handler).whenComplete((r, err) -> {
      if (err != null && settled.compareAndSet(false, true)) {
        Throwable cause = err;
        while (cause instanceof CompletionException && cause.getCause() != null) {
          cause = cause.getCause();
        }
        failedAt(trip, at, cause);
      }
    });
  }

  private void answered(Trip trip, URI at, int status, String contentType, String location, String retryAfter,
      byte[] body) {
    try {
      if (status == 307) {
        URI leader = leaderOf(contentType, body, location);
        if (leader != null) {
          if (trip.hops++ < MAX_HOPS) {
            attempt(trip, coordinators.redirected(leader));
            return;
          }
          failedAt(trip, at, new FleetHttpException(307, NOT_LEADER, "redirected to the leader " + MAX_HOPS
              + " times in a row, last to " + CoordinatorList.display(leader)));
          return;
        }
      }
      if (status == 503 && NO_LEADER.equals(problemType(contentType, body))) {
        failedAt(trip, at, refusal(status, contentType, retryAfter, body));
        return;
      }
    } catch (RuntimeException e) {
      failedAt(trip, at, e); // a Location that is no URL: this coordinator cannot serve the request
      return;
    }
    coordinators.answered(at);
    trip.answered.accept(new Answer(at, status, contentType, retryAfter, body));
  }

  /** {@code at} did not serve the trip's request: the next coordinator not yet tried gets it, if any is left. */
  private void failedAt(Trip trip, URI at, Throwable why) {
    trip.tried.add(at);
    trip.reasons.add(CoordinatorList.display(at) + ": " + Failures.describe(why));
    coordinators.failed(at);
    URI next = coordinators.next(at, trip.tried);
    if (next != null) {
      attempt(trip, next);
    } else if (trip.tried.size() == 1 && coordinators.size() == 1) {
      trip.failed.accept(why); // one coordinator: its failure as it came, as before there were lists
    } else {
      trip.failed.accept(new CoordinatorsUnreachableException(trip.reasons, why));
    }
  }

  /** The leader a 307 names: its problem's {@code leader} field, else the Location's scheme and authority. */
  private static URI leaderOf(String contentType, byte[] body, String location) {
    if (contentType.startsWith("application/problem+json")) {
      try {
        LeaderHint hint = Json.readLenient(body, LeaderHint.class);
        if (hint.leader() != null && !hint.leader().isBlank()) {
          return URI.create(hint.leader().trim());
        }
      } catch (tools.jackson.core.JacksonException e) {
        // the Location below
      }
    }
    if (location == null) {
      return null;
    }
    URI l = URI.create(location.trim());
    return l.getScheme() == null || l.getRawAuthority() == null ? null
        : URI.create(l.getScheme() + "://" + l.getRawAuthority() + "/");
  }

  private static String problemType(String contentType, byte[] body) {
    if (!contentType.startsWith("application/problem+json")) {
      return null;
    }
    try {
      return Json.readLenient(body, LeaderHint.class).type();
    } catch (tools.jackson.core.JacksonException e) {
      return null;
    }
  }

  /** The fields of a not-leader or no-leader problem that say where to go. */
  record LeaderHint(String type, String leader) {}

  private static <T> void hand(AtomicBoolean done, Executor on, BiConsumer<? super T, Throwable> then, T value,
      Throwable failure) {
    if (done.compareAndSet(false, true)) {
      try {
        on.execute(() -> then.accept(value, failure));
      } catch (RejectedExecutionException e) {
        // the receiver has shut down; nobody is waiting for the answer
      }
    }
  }

  private HttpRequest request(URI at, Trip trip) {
    HttpRequest.Builder b = HttpRequest.newBuilder(at.resolve(trip.path))
        .timeout(trip.timeout).header("Accept", "application/json");
    if (trip.credential != null) {
      b.header("Authorization", "Bearer " + trip.credential);
    }
    if (trip.body != null) {
      b.header("Content-Type", "application/json");
      b.method(trip.method, HttpRequest.BodyPublishers.ofByteArray(trip.body));
    } else {
      b.method(trip.method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  /** Like {@link #send} but waits, rethrowing failures unwrapped. */
  public <T> T call(String method, String path, String credential, Object body, Class<T> type, Duration timeout) {
    try {
      return send(method, path, credential, body, type, timeout).join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      // A refused connection's message is null: name the exception instead of printing "null".
      throw new java.io.UncheckedIOException("request to " + CoordinatorList.display(base()) + " failed: "
          + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()),
          c instanceof java.io.IOException io ? io : new java.io.IOException(c));
    }
  }

  private static <T> T decode(int status, String ct, String retryAfter, byte[] body, Class<T> type) {
    if (status >= 400) {
      Duration wait = retryAfter(retryAfter);
      if (ct.startsWith("application/problem+json")) {
        try {
          Wire.ProblemDto p = Json.readLenient(body, Wire.ProblemDto.class);
          throw new FleetHttpException(status, p.type() == null ? "about:blank" : p.type(),
              p.detail() == null ? "" : p.detail(), new String(body, java.nio.charset.StandardCharsets.UTF_8),
              wait);
        } catch (tools.jackson.core.JacksonException e) {
          // fall through to the plain form
        }
      }
      String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
      throw new FleetHttpException(status, "about:blank", text.length() > 300 ? text.substring(0, 300) : text,
          null, wait);
    }
    if (type == Void.class) {
      return null;
    }
    if (type == byte[].class) {
      return type.cast(body); // a binary answer, such as a backup
    }
    try {
      return Json.readLenient(body, type);
    } catch (tools.jackson.core.JacksonException e) {
      throw new IllegalStateException("the coordinator answered " + status + " with a body that is not a "
          + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The HTTP client requests go through, for exchanges that are not JSON documents (event streams). */
  public HttpClient client() {
    return client;
  }

  /** A binary answer and its media type. */
  public record Raw(byte[] body, String contentType) {}

  /** A GET whose answer is read as bytes with their Content-Type; refusals throw as {@link #call} does. */
  public Raw raw(String path, String credential, Duration timeout) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    start("GET", path, credential, null, timeout, answer::complete, answer::completeExceptionally);
    try {
      Answer a = answer.join();
      String ct = a.contentType().isEmpty() ? "application/octet-stream" : a.contentType();
      decode(a.status(), ct, a.retryAfter(), a.body(), Void.class); // throws for a refusal
      return new Raw(a.body(), ct);
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new java.io.UncheckedIOException("request to " + CoordinatorList.display(base()) + " failed: "
          + c.getMessage(), c instanceof java.io.IOException io ? io : new java.io.IOException(c));
    }
  }

  /**
   * A Retry-After header's delay in seconds, or null: absent, an HTTP date (no coordinator sends one; the clock
   * it needs is not this class's to read) or not a number.
   */
  static Duration retryAfter(String header) {
    if (header == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The exception a refusal (status 400 or more) with this body stands for, as {@link #call} would throw it. */
  public static RuntimeException refusal(int status, String contentType, byte[] body) {
    return refusal(status, contentType, null, body);
  }

  private static RuntimeException refusal(int status, String contentType, String retryAfter, byte[] body) {
    if (status == 307) {
      URI leader = leaderOf(contentType, body, null);
      if (leader != null) {
        return new NotLeader(leader);
      }
    }
    try {
      decode(Math.max(400, status), contentType, retryAfter, body, Void.class);
      return new FleetHttpException(status, "about:blank", "");
    } catch (RuntimeException e) {
      return e;
    }
  }
}
