package dev.fleet.transport.http;

import dev.fleet.transport.http.internal.Endpoint;
import dev.fleet.transport.http.model.Coordinators;
import dev.fleet.transport.http.internal.CoordinatorsJson;
import dev.fleet.transport.http.internal.Json;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP server of a replicated coordinator node while it does not lead: it answers {@code GET /v1/ping},
 * {@code GET /v1/coordinators}, {@code GET /v1/health/live} (200), {@code GET /v1/health/ready} (503: a follower
 * takes no work; the detail names the leader) and {@code GET /metrics} (one gauge, {@code fleet_coordinator_leading}
 * 0, to anyone: it tells nothing secret, and a scrape must not follow a redirect to the leader and count it twice),
 * and every other request with {@code 307} to the leader (problem type
 * {@code not-leader}, the leader's URL in {@code Location} and in the {@code leader} field) or, while no leader is
 * known, {@code 503} with {@code Retry-After: 1} (problem type {@code no-leader}). It holds no fleet, accepts no
 * credential and changes nothing.
 *
 * <p>Thread-safe: requests are answered concurrently from the view, which is asked at each request.
 */
public final class FollowerServer implements AutoCloseable {
  private static final String PROBLEM_JSON = "application/problem+json";

  private final Server server;
  private final ServerConnector connector;

  private FollowerServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Binds {@code bindAddress:port} (the address reused at once, so the leader's coordinator that served there a
   * moment ago does not block it) and starts answering, on at most 8 daemon threads of its own. Connections
   * silent for 30 seconds are closed.
   *
   * @param bindAddress the address to listen on, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}; not null
   * @param port the port to listen on; 0 picks a free one (see {@link #port()})
   * @param keyStore a PKCS#12 keystore to serve HTTPS with, as the leader does, or null for plain HTTP
   * @param keyStorePassword the keystore's password; ignored when {@code keyStore} is null
   * @param view what this node knows of the group, asked at each request; must return quickly; not null
   * @return the server, answering already
   * @throws NullPointerException if {@code bindAddress} or {@code view} is null
   * @throws UncheckedIOException if the port cannot be bound or the keystore cannot be read
   */
  public static FollowerServer start(String bindAddress, int port, Path keyStore, String keyStorePassword,
      Supplier<Coordinators> view) {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(view, "view");
    QueuedThreadPool pool = new QueuedThreadPool(8, 2);
    pool.setName("fleet-follower-http");
    pool.setDaemon(true);
    Server s = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector c;
    if (keyStore == null) {
      c = new ServerConnector(s, 1, 1, new HttpConnectionFactory(http));
    } else {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(keyStore.toString());
      ssl.setKeyStorePassword(keyStorePassword);
      ssl.setKeyStoreType("PKCS12");
      HttpConfiguration https = new HttpConfiguration(http);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      https.addCustomizer(secure);
      c = new ServerConnector(s, 1, 1, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    }
    c.setHost(bindAddress);
    c.setPort(port);
    c.setReuseAddress(true);
    c.setIdleTimeout(30_000);
    s.addConnector(c);
    s.setHandler(new Answers(view));
    try {
      s.start();
    } catch (Exception e) {
      try {
        s.stop();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot serve on " + bindAddress + ":" + port + ": " + e.getMessage(),
          e instanceof IOException io ? io : new IOException(e));
    }
    return new FollowerServer(s, c);
  }

  /**
   * The port it listens on: the one given to {@link #start}, or the one chosen for port 0.
   *
   * @return the local port, or a negative number once it is {@link #close() closed}
   */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops answering and releases the port. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      System.getLogger(FollowerServer.class.getName()).log(System.Logger.Level.WARNING,
          "stopping the follower's HTTP server failed", e);
    }
  }

  /** The answers: short, computed from the view, never blocking. */
  private static final class Answers extends Handler.Abstract.NonBlocking {
    private static final byte[] FOLLOWER_METRICS = ("# HELP fleet_coordinator_leading 1 on the coordinator that "
        + "leads (and serves the fleet's metrics), 0 on a follower\n# TYPE fleet_coordinator_leading gauge\n"
        + "fleet_coordinator_leading 0\n").getBytes(StandardCharsets.UTF_8);

    private final Supplier<Coordinators> view;

    Answers(Supplier<Coordinators> view) {
      this.view = view;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      boolean get = "GET".equalsIgnoreCase(request.getMethod());
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      if (get && path.equals(Endpoint.PING.template())) {
        write(response, callback, 200, "application/json", "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
        return true;
      }
      if (get && path.equals(Endpoint.HEALTH_LIVE.template())) {
        write(response, callback, 200, "application/json", "{\"status\":\"live\"}".getBytes(StandardCharsets.UTF_8));
        return true;
      }
      if (get && path.equals(Endpoint.METRICS.template())) {
        write(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", FOLLOWER_METRICS);
        return true;
      }
      Coordinators now = view.get();
      if (get && path.equals(Endpoint.COORDINATORS.template())) {
        write(response, callback, 200, "application/json", CoordinatorsJson.bytes(now));
        return true;
      }
      if (get && path.equals(Endpoint.HEALTH_READY.template())) {
        Optional<String> leader = now.leader();
        String detail = leader.filter(now.self()::equals).isPresent()
            ? now.self() + " is taking over as leader of term " + now.term() + ": replaying the journal"
            : now.self() + " is a follower; " + leader.map(l -> "the leader is " + l
                + now.leaderUrl().map(u -> " at " + u).orElse("")).orElse("no leader is known (an election is under "
                + "way, term " + now.term() + ")");
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        write(response, callback, 503, PROBLEM_JSON, problem("not-ready", "Service Unavailable", 503,
            "not ready: " + detail, null));
        return true;
      }
      if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
        // The body is not read: the connection cannot be reused for the next request.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
      Optional<URI> leader = now.leader().filter(l -> !l.equals(now.self())).flatMap(l -> now.leaderUrl());
      if (leader.isPresent()) {
        String base = leader.get().toString();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        String query = request.getHttpURI().getQuery();
        response.getHeaders().put(HttpHeader.LOCATION, base + path + (query == null ? "" : "?" + query));
        write(response, callback, 307, PROBLEM_JSON, problem("not-leader", "Not the leader", 307,
            now.self() + " is not the leader; " + now.leader().orElseThrow() + " is, at " + base
                + " (term " + now.term() + ")", base));
      } else {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        write(response, callback, 503, PROBLEM_JSON, problem("no-leader", "Service Unavailable", 503,
            now.self() + " knows no leader: an election is under way (term " + now.term() + "); retry shortly or "
                + "ask another coordinator", null));
      }
      return true;
    }

    private static byte[] problem(String type, String title, int status, String detail, String leader) {
      return ("{\"type\":\"urn:dev.fleet:problem:" + type + "\",\"title\":" + Json.writeString(title)
          + ",\"status\":" + status + ",\"detail\":" + Json.writeString(detail)
          + (leader == null ? "" : ",\"leader\":" + Json.writeString(leader)) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static void write(Response response, Callback callback, int status, String type, byte[] body) {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }
}
