package dev.fleet.transport.http;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A coordinator node that is not the leader, as the replication protocol has it: 200 to {@code /v1/ping} and
 * {@code /v1/coordinators}, 307 naming the leader to everything else, or 503 no-leader while it knows none. For
 * tests of clients that follow the leader, on 127.0.0.1 with a free port; closing it stops the server.
 */
final class FakeFollower implements AutoCloseable {
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);
  private final AtomicReference<URI> leader = new AtomicReference<>();
  private final AtomicReference<String> roster = new AtomicReference<>();
  final AtomicInteger redirects = new AtomicInteger();
  /** When each request other than ping and the roster arrived ({@code System.nanoTime()}), in order. */
  final java.util.List<Long> arrivals = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  FakeFollower(URI leader) throws Exception {
    this.leader.set(leader);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        answer(request, response, callback);
        return true;
      }
    });
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /** The leader it names from now on; null: it knows none (an election is under way). */
  void leader(URI now) {
    leader.set(now);
  }

  /** The JSON it answers {@code GET /v1/coordinators} with; null: 404, as an older coordinator. */
  void roster(String json) {
    roster.set(json);
  }

  private void answer(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    String query = request.getHttpURI().getQuery();
    if (path.equals("/v1/ping")) {
      send(response, callback, 200, "application/json", "{\"ok\":true}");
      return;
    }
    if (path.equals("/v1/coordinators")) {
      String r = roster.get();
      if (r == null) {
        send(response, callback, 404, "application/problem+json", "{\"type\":\"about:blank\",\"title\":"
            + "\"Not found\",\"status\":404,\"detail\":\"no such endpoint\"}");
      } else {
        send(response, callback, 200, "application/json", r);
      }
      return;
    }
    arrivals.add(System.nanoTime());
    URI to = leader.get();
    if (to == null) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      send(response, callback, 503, "application/problem+json", "{\"type\":\"urn:dev.fleet:problem:no-leader\","
          + "\"title\":\"No leader\",\"status\":503,\"detail\":\"an election is under way\"}");
      return;
    }
    String base = to.toString().endsWith("/") ? to.toString().substring(0, to.toString().length() - 1)
        : to.toString();
    redirects.incrementAndGet();
    response.getHeaders().put(HttpHeader.LOCATION, base + path + (query == null ? "" : "?" + query));
    send(response, callback, 307, "application/problem+json", "{\"type\":\"urn:dev.fleet:problem:not-leader\","
        + "\"title\":\"Not the leader\",\"status\":307,\"detail\":\"the leader is at " + base + "\",\"leader\":\""
        + base + "\"}");
  }

  private static void send(Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
