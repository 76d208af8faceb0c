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
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> decode(r, type));
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
      throw new java.io.UncheckedIOException("request to " + base + " failed: " + c.getMessage(),
          c instanceof java.io.IOException io ? io : new java.io.IOException(c));
    }
  }

  private static <T> T decode(HttpResponse<byte[]> r, Class<T> type) {
    int status = r.statusCode();
    if (status >= 400) {
      String ct = r.headers().firstValue("Content-Type").orElse("");
      if (ct.startsWith("application/problem+json")) {
        try {
          Wire.ProblemDto p = Json.readLenient(r.body(), Wire.ProblemDto.class);
          throw new FleetHttpException(status, p.type() == null ? "about:blank" : p.type(),
              p.detail() == null ? "" : p.detail());
        } catch (tools.jackson.core.JacksonException e) {
          // fall through to the plain form
        }
      }
      String text = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
      throw new FleetHttpException(status, "about:blank", text.length() > 300 ? text.substring(0, 300) : text);
    }
    if (type == Void.class) {
      return null;
    }
    try {
      return Json.readLenient(r.body(), type);
    } catch (tools.jackson.core.JacksonException e) {
      throw new IllegalStateException("the coordinator answered " + status + " with a body that is not a "
          + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }
}
