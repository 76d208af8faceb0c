package dev.fleet.transport.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A coordinator node that is not the leader, as the replication protocol has it: 200 to {@code /v1/ping} and
 * {@code /v1/coordinators}, 307 naming the leader to everything else, or 503 no-leader while it knows none. For
 * tests of clients that follow the leader, on 127.0.0.1 with a free port; closing it stops the server.
 */
final class FakeFollower implements AutoCloseable {
  private final HttpServer server;
  private final AtomicReference<URI> leader = new AtomicReference<>();
  private final AtomicReference<String> roster = new AtomicReference<>();
  final AtomicInteger redirects = new AtomicInteger();
  /** When each request other than ping and the roster arrived ({@code System.nanoTime()}), in order. */
  final java.util.List<Long> arrivals = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  FakeFollower(URI leader) throws IOException {
    this.leader.set(leader);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The leader it names from now on; null: it knows none (an election is under way). */
  void leader(URI now) {
    leader.set(now);
  }

  /** The JSON it answers {@code GET /v1/coordinators} with; null: 404, as an older coordinator. */
  void roster(String json) {
    roster.set(json);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      x.getRequestBody().readAllBytes();
      String path = x.getRequestURI().getRawPath();
      String query = x.getRequestURI().getRawQuery();
      if (path.equals("/v1/ping")) {
        send(x, 200, "application/json", "{\"ok\":true}");
        return;
      }
      if (path.equals("/v1/coordinators")) {
        String r = roster.get();
        if (r == null) {
          send(x, 404, "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Not found\","
              + "\"status\":404,\"detail\":\"no such endpoint\"}");
        } else {
          send(x, 200, "application/json", r);
        }
        return;
      }
      arrivals.add(System.nanoTime());
      URI to = leader.get();
      if (to == null) {
        x.getResponseHeaders().set("Retry-After", "1");
        send(x, 503, "application/problem+json", "{\"type\":\"urn:dev.fleet:problem:no-leader\",\"title\":"
            + "\"No leader\",\"status\":503,\"detail\":\"an election is under way\"}");
        return;
      }
      String base = to.toString().endsWith("/") ? to.toString().substring(0, to.toString().length() - 1)
          : to.toString();
      redirects.incrementAndGet();
      x.getResponseHeaders().set("Location", base + path + (query == null ? "" : "?" + query));
      send(x, 307, "application/problem+json", "{\"type\":\"urn:dev.fleet:problem:not-leader\",\"title\":"
          + "\"Not the leader\",\"status\":307,\"detail\":\"the leader is at " + base + "\",\"leader\":\"" + base
          + "\"}");
    }
  }

  private static void send(HttpExchange x, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
