package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An in-process {@code fleet coordinator} on 127.0.0.1 with a free port, and the HTTP calls the registry tests make
 * to it as an agent and as a client would; {@link #close()} stops it.
 */
final class RegistryFleet implements AutoCloseable {
  final Path state;
  final String url;
  final String joinToken;
  final String clientToken;
  private final CompletableFuture<Run> run;
  private final HttpClient http = HttpClient.newHttpClient();

  RegistryFleet(Path state, String... options) throws Exception {
    this.state = state;
    List<String> args = new ArrayList<>(List.of("coordinator", "--state-dir", state.toString(), "--in-memory",
        "--port", "0", "--stop-after", "3m"));
    args.addAll(List.of(options));
    run = CompletableFuture.supplyAsync(() -> Run.of(args.toArray(String[]::new)));
    Path urlFile = state.resolve(StateDir.URL);
    await(Duration.ofSeconds(30), () -> Files.exists(urlFile) || run.isDone(), "the coordinator to start");
    assertTrue(Files.exists(urlFile), () -> "started: " + run.join());
    url = Files.readString(urlFile).trim();
    joinToken = Files.readString(state.resolve(StateDir.JOIN_TOKEN)).trim();
    clientToken = Files.readString(state.resolve(StateDir.CLIENT_TOKEN)).trim();
  }

  /** What the coordinator printed, once it has stopped. */
  Run stopped() throws Exception {
    Running.stopAll();
    return run.get(30, TimeUnit.SECONDS);
  }

  /** Joins a machine with the join token; returns its credential. */
  String join(String id, String capability) throws Exception {
    HttpResponse<String> r = send("POST", "/v1/join", joinToken, "{\"machine\":{\"id\":\"" + id + "\",\"hostname\":\""
        + id + ".local\",\"role\":\"worker\",\"capabilities\":[\"" + capability + "\"]}}");
    assertEquals(200, r.statusCode(), r.body());
    var m = java.util.regex.Pattern.compile("\"credential\":\"([^\"]*)\"").matcher(r.body());
    assertTrue(m.find(), r.body());
    return m.group(1);
  }

  void heartbeat(String credential, long sequence, double load) throws Exception {
    HttpResponse<String> r = send("POST", "/v1/heartbeat", credential, "{\"sequence\":" + sequence + ",\"load\":"
        + load + "}");
    assertEquals(200, r.statusCode(), r.body());
  }

  HttpResponse<String> send(String method, String path, String credential, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url).resolve(path))
        .header("Authorization", "Bearer " + credential).timeout(Duration.ofSeconds(20));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET /v1/registry}'s body. */
  String registry() throws Exception {
    HttpResponse<String> r = send("GET", "/v1/registry", clientToken, null);
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** Runs a client verb against this coordinator. */
  Run client(String... verb) {
    List<String> args = new ArrayList<>(List.of(verb));
    args.addAll(List.of("--coordinator", url, "--state-dir", state.toString()));
    return Run.of(args.toArray(String[]::new));
  }

  /** Waits until {@code done} holds, checking every 20 ms, failing after {@code limit}. */
  static void await(Duration limit, BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what + " after " + limit);
      }
      LockSupport.parkNanos(20_000_000L);
    }
  }

  @Override
  public void close() throws Exception {
    stopped();
  }
}
