package dev.fleet.transport.http;

import dev.fleet.transport.http.internal.CoordinatorList;
import dev.fleet.transport.http.internal.Endpoint;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;

/**
 * A machine's announcement that it goes to sleep, made outside a running agent (a sleep hook, {@code fleet
 * sleep}): one {@code POST /v1/sleep} with the machine's credential to whichever coordinator leads.
 *
 * <p>Stateless and thread-safe; each call makes its own HTTP client.
 */
final class SleepAnnouncement {
  private SleepAnnouncement() {}

  /**
   * As {@link HttpAgent#announceSleep(List, String, SSLContext, Duration)}.
   *
   * @param coordinators the coordinators' URIs, at least one
   * @param credential the machine's credential
   * @param sslContext the TLS context for an https coordinator, or null for the default
   * @param timeout how long one request may take
   * @throws dev.fleet.transport.http.model.FleetHttpException if the coordinator refused
   * @throws java.io.UncheckedIOException if no coordinator could be reached, with why
   */
  static void send(List<URI> coordinators, String credential, SSLContext sslContext, Duration timeout) {
    CoordinatorList list = new CoordinatorList(coordinators);
    Secrets.checkConfigured("credential", credential);
    HttpClient.Builder hc = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout);
    if (sslContext != null) {
      hc.sslContext(sslContext);
    }
    JsonHttp http = new JsonHttp(hc.build(), list);
    try {
      http.send("POST", Endpoint.SLEEP.path(), credential, null, Void.class, timeout).join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new UncheckedIOException("cannot reach the coordinator at " + list.display() + ": "
          + Reachability.describe(c), c instanceof IOException io ? io : new IOException(c));
    }
  }
}
