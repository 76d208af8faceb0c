package dev.fleet.transport.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP requests to a coordinator, for tests that check exact statuses and bodies. Thread-safe. */
final class RawHttp {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A status with its body and content type. */
  record Reply(int status, String contentType, String body) {
    boolean isProblem() {
      return contentType.startsWith("application/problem+json");
    }
  }

  private final URI base;

  RawHttp(URI base) {
    this.base = base;
  }

  Reply get(String path, String credential) {
    return send(builder(path, credential).GET());
  }

  Reply post(String path, String credential, String json) {
    return send(builder(path, credential).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply post(String path, String credential, byte[] body, String contentType) {
    HttpRequest.Builder b = builder(path, credential).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  Reply delete(String path, String credential) {
    return send(builder(path, credential).DELETE());
  }

  private HttpRequest.Builder builder(String path, String credential) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (credential != null) {
      b.header("Authorization", "Bearer " + credential);
    }
    return b;
  }

  private static Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
