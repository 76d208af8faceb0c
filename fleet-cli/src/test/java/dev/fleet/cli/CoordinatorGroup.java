package dev.fleet.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real {@code fleet coordinator --peers} processes on 127.0.0.1 and free ports, each with its own state
 * directory holding the same client and join tokens; they can be killed with {@code kill -9}, paused with
 * SIGSTOP, resumed and restarted. {@link #close} kills what still runs.
 */
final class CoordinatorGroup implements AutoCloseable {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  static final String CLIENT_TOKEN = "client-token-for-the-replicated-test-0123456789";
  static final String JOIN_TOKEN = "join-token-for-the-replicated-test-0123456789";

  private final Path dir;
  private final List<String> extra;
  private final Map<String, URI> urls = new LinkedHashMap<>();
  private final String peers;
  private final Map<String, Process> running = new LinkedHashMap<>();
  private final Map<String, Process> agents = new LinkedHashMap<>();
  private int starts;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  CoordinatorGroup(Path dir, int size, String... extraOptions) throws IOException {
    this.dir = dir;
    this.extra = List.of(extraOptions);
    List<String> entries = new ArrayList<>();
    // Every port of the group distinct: a probed port is free again at once, so a later probe may return it.
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    for (int i = 1; i <= size; i++) {
      String name = "n" + i;
      URI url = URI.create("http://127.0.0.1:" + freePort(0, taken));
      urls.put(name, url);
      // JGroups' FD_SOCK2 listens 100 above the Raft port: both must be free.
      entries.add(name + "=" + url + "@127.0.0.1:" + freePort(100, taken));
      Path state = dir.resolve(name);
      Files.createDirectories(state);
      for (String[] f : new String[][] {{StateDir.CLIENT_TOKEN, CLIENT_TOKEN}, {StateDir.JOIN_TOKEN, JOIN_TOKEN}}) {
        Path p = state.resolve(f[0]);
        Files.writeString(p, f[1] + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
      }
    }
    peers = String.join(",", entries);
  }

  /**
   * A free port on loopback not in {@code taken}; with {@code alsoFreeAbove} > 0, one whose port that much higher is
   * free and not taken too. What it returns is added to {@code taken}.
   */
  private static int freePort(int alsoFreeAbove, java.util.Set<Integer> taken) throws IOException {
    for (int tries = 0; ; tries++) {
      int p;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        p = s.getLocalPort();
      }
      if (taken.contains(p) || (alsoFreeAbove > 0 && taken.contains(p + alsoFreeAbove))) {
        continue;
      }
      if (alsoFreeAbove == 0) {
        taken.add(p);
        return p;
      }
      if (p + alsoFreeAbove <= 65535) {
        try (ServerSocket above = new ServerSocket(p + alsoFreeAbove, 1, InetAddress.getLoopbackAddress())) {
          taken.add(p);
          taken.add(p + alsoFreeAbove);
          return p;
        } catch (IOException busy) {
          if (tries > 50) {
            throw busy;
          }
        }
      }
    }
  }

  String peers() {
    return peers;
  }

  List<String> names() {
    return new ArrayList<>(urls.keySet());
  }

  URI url(String name) {
    return urls.get(name);
  }

  /** Starts node {@code name} and waits until it answers {@code GET /v1/ping}. */
  void start(String name) throws IOException {
    starts++;
    List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Djava.net.preferIPv4Stack=true", "-cp", System.getProperty("java.class.path"),
        FleetCommand.class.getName(), "coordinator", "--node", name, "--peers", peers, "--state-dir",
        dir.resolve(name).toString()));
    cmd.addAll(extra);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + "-" + starts + ".out").toFile()).start();
    running.put(name, p);
    await(name + " answers ping", Duration.ofSeconds(60), () -> {
      if (!p.isAlive()) {
        throw new IllegalStateException(name + " exited with " + p.exitValue() + tails());
      }
      return get(url(name), "/v1/ping", null).map(r -> r.statusCode() == 200).orElse(false);
    });
  }

  /**
   * Starts a real {@code fleet agent} process for machine {@code id}, given the URLs of every node, with its own
   * state directory; {@link #close} kills it. Does not wait for it to join.
   */
  void startAgent(String id, String... options) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), FleetCommand.class.getName(), "agent", "--join",
        String.join(",", urls.values().stream().map(URI::toString).toList()), "--token", JOIN_TOKEN, "--id", id,
        "--no-probes", "--state-dir", dir.resolve("agent-" + id).toString()));
    cmd.addAll(List.of(options));
    agents.put(id, new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("agent-" + id + ".out").toFile()).start());
  }

  void startAll() throws IOException {
    for (String n : names()) {
      start(n);
    }
  }

  /** kill -9. */
  void kill(String name) throws InterruptedException {
    Process p = running.remove(name);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  void signal(String name, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(running.get(name).pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + name + " failed");
    }
  }

  Optional<HttpResponse<String>> get(URI base, String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(3));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.GET().build());
  }

  Optional<HttpResponse<String>> post(URI base, String path, String token, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.build());
  }

  private Optional<HttpResponse<String>> send(HttpRequest r) {
    try {
      return Optional.of(http.send(r, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The leader that every one of {@code among} names in {@code GET /v1/coordinators}, if they agree. */
  Optional<String> agreedLeader(List<String> among) {
    String agreed = null;
    for (String n : among) {
      Optional<String> leader = get(url(n), "/v1/coordinators", null).filter(r -> r.statusCode() == 200)
          .flatMap(r -> field(r.body(), "leader"));
      if (leader.isEmpty() || (agreed != null && !agreed.equals(leader.get()))) {
        return Optional.empty();
      }
      agreed = leader.get();
    }
    return Optional.ofNullable(agreed);
  }

  /** Waits until {@code among} agree on a leader that serves the fleet (answers a client's read). */
  String awaitLeader(List<String> among, Duration limit) {
    String[] found = new String[1];
    await("a leader agreed by " + among, limit, () -> {
      Optional<String> l = agreedLeader(among);
      if (l.isEmpty()) {
        return false;
      }
      found[0] = l.get();
      return get(url(l.get()), "/v1/machines", CLIENT_TOKEN).map(r -> r.statusCode() == 200).orElse(false);
    });
    return found[0];
  }

  static Optional<String> field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  String tails() {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".out")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        sb.append("\n--- ").append(f.getFileName()).append('\n')
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
      }
    } catch (IOException e) {
      sb.append("\n(logs unreadable: ").append(e).append(')');
    }
    return sb.toString();
  }

  /** Polls a condition that lives in other processes; nothing in this JVM signals it. */
  static void await(String what, Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting: " + what + " within " + limit);
      }
      LockSupport.parkNanos(50_000_000L);
    }
  }

  @Override
  public void close() {
    List<Process> all = new ArrayList<>(running.values());
    all.addAll(agents.values());
    for (Process p : all) {
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    running.clear();
    agents.clear();
  }
}
