package dev.fleet.transport.http.internal;

import dev.fleet.transport.http.FleetHttpException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * JSON requests to a coordinator over the JDK {@link HttpClient}: documents out, records back, problems as
 * {@link FleetHttpException}s. Network failures complete the future with the client's {@code IOException}.
 *
 * <p>Thread-safe: the client is.
 */
public final class JsonHttp {
  private final HttpClient client;
  private final URI base;

  public JsonHttp(HttpClient client, URI base) {
    this.client = Objects.requireNonNull(client, "client");
    Objects.requireNonNull(base, "base");
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
  }

  public URI base() {
    return base;
  }

  /** Sends a request; {@code body} null sends none. The type {@code Void} reads nothing back. */
  public <T> CompletableFuture<T> send(String method, String path, String credential, Object body, Class<T> type,
      Duration timeout) {
    return client.sendAsync(request(method, path, credential, body, timeout), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> decode(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), type));
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
    HttpResponse.BodyHandler<Void> handler = info -> HttpResponse.BodySubscribers.mapping(
        HttpResponse.BodySubscribers.ofByteArray(), bytes -> {
          T value = null;
          Throwable failure = null;
          try {
            value = decode(info.statusCode(), info.headers().firstValue("Content-Type").orElse(""), bytes, type);
          } catch (RuntimeException e) {
            failure = e;
          }
          hand(done, on, then, value, failure);
          return null;
        });
    HttpRequest request;
    try {
      request = request(method, path, credential, body, timeout);
    } catch (RuntimeException e) {
      hand(done, on, then, null, e);
      return;
    }
    client.sendAsync(request, handler).whenComplete((r, err) -> {
      if (err != null) {
        Throwable cause = err;
        while (cause instanceof CompletionException && cause.getCause() != null) {
          cause = cause.getCause();
        }
        hand(done, on, then, null, cause);
      }
    });
  }

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

  private HttpRequest request(String method, String path, String credential, Object body, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
        .timeout(timeout).header("Accept", "application/json");
    if (credential != null) {
      b.header("Authorization", "Bearer " + credential);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
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
      throw new java.io.UncheckedIOException("request to " + base + " failed: "
          + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()),
          c instanceof java.io.IOException io ? io : new java.io.IOException(c));
    }
  }

  private static <T> T decode(int status, String ct, byte[] body, Class<T> type) {
    if (status >= 400) {
      if (ct.startsWith("application/problem+json")) {
        try {
          Wire.ProblemDto p = Json.readLenient(body, Wire.ProblemDto.class);
          throw new FleetHttpException(status, p.type() == null ? "about:blank" : p.type(),
              p.detail() == null ? "" : p.detail());
        } catch (tools.jackson.core.JacksonException e) {
          // fall through to the plain form
        }
      }
      String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
      throw new FleetHttpException(status, "about:blank", text.length() > 300 ? text.substring(0, 300) : text);
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
    try {
      return client.sendAsync(request("GET", path, credential, null, timeout), HttpResponse.BodyHandlers.ofByteArray())
          .thenApply(r -> {
            String ct = r.headers().firstValue("Content-Type").orElse("application/octet-stream");
            decode(r.statusCode(), ct, r.body(), Void.class); // throws for a refusal
            return new Raw(r.body(), ct);
          }).join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new java.io.UncheckedIOException("request to " + base + " failed: " + c.getMessage(),
          c instanceof java.io.IOException io ? io : new java.io.IOException(c));
    }
  }

  /** The exception a refusal (status 400 or more) with this body stands for, as {@link #call} would throw it. */
  public static RuntimeException refusal(int status, String contentType, byte[] body) {
    try {
      decode(Math.max(400, status), contentType, body, Void.class);
      return new FleetHttpException(status, "about:blank", "");
    } catch (RuntimeException e) {
      return e;
    }
  }
}
