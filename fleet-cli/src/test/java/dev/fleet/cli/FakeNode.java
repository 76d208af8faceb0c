package dev.fleet.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A replicated coordinator's node as the CLI sees it, for tests on 127.0.0.1 with a free port: a follower that
 * answers 307 naming the leader (or 503 no-leader while it knows none), or, given canned answers for some
 * paths, a stand-in leader that answers those. {@code GET /v1/coordinators} answers the roster set, else 404 as
 * an older coordinator. Closing it stops the server.
 */
final class FakeNode implements AutoCloseable {
  private final HttpServer server;
  private final AtomicReference<URI> leader = new AtomicReference<>();
  private final Map<String, String> answers = new ConcurrentHashMap<>();

  FakeNode(URI leader) throws IOException {
    this.leader.set(leader);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code GET path} with this JSON itself (200), as a leader would. */
  FakeNode answer(String path, String json) {
    answers.put(path, json);
    return this;
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      x.getRequestBody().readAllBytes();
      String path = x.getRequestURI().getRawPath();
      String canned = answers.get(path);
      if (canned != null) {
        send(x, 200, "application/json", canned);
        return;
      }
      if (path.equals("/v1/coordinators")) {
        send(x, 404, "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,"
            + "\"detail\":\"no such endpoint\"}");
        return;
      }
      URI to = leader.get();
      if (to == null) {
        x.getResponseHeaders().set("Retry-After", "1");
        send(x, 503, "application/problem+json", "{\"type\":\"urn:dev.fleet:problem:no-leader\",\"title\":"
            + "\"No leader\",\"status\":503,\"detail\":\"an election is under way\"}");
        return;
      }
      String base = to.toString().replaceAll("/$", "");
      String query = x.getRequestURI().getRawQuery();
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
