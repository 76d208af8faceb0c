package dev.fleet.transport.http;

import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Machine;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.core.Fleets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A loopback load run of the HTTP transport, not a test: heartbeats per second from 10 machines (each one real
 * HTTP request carrying one heartbeat, over 20 keep-alive connections), and tasks per second end to end
 * (submitted to the fleet, delivered to one of 10 in-JVM {@link HttpAgent}s by long-poll, its result reported
 * over HTTP and accepted), each at full speed and then at half that rate for latency. Prints p50 and p99, and
 * for tasks the two halves of the way: submission to the agent's handler, handler to result accepted.
 *
 * <p>Run: {@code mvn -q -o test-compile -pl fleet-transport-http} then
 * {@code java -cp "$(cat cp.txt):fleet-transport-http/target/classes:fleet-transport-http/target/test-classes"
 * dev.fleet.transport.http.LoadRun [seconds [heartbeats|tasks]]}; see docs/http.md. With
 * {@code -Dloadrun.taskRates=4000,2000} it also measures tasks at those fixed rates.
 */
public final class LoadRun {
  private static final int MACHINES = 10;
  /** Seconds of load before each measured series, so the JIT has compiled the paths being measured. */
  private static final int WARM_UP_SECONDS = 5;
  /** Task slots per agent. */
  private static final int SLOTS = 64;

  private LoadRun() {}

  public static void main(String[] args) throws Exception {
    // On machines with 2 cores the common pool has parallelism 1, and CompletableFuture then starts a thread for
    // every async step; the JDK HttpClient completes each response that way. Give the client a real pool.
    System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
        Integer.toString(Math.max(4, Runtime.getRuntime().availableProcessors())));
    Logger.getLogger("").setLevel(Level.WARNING);
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.out.printf(Locale.ROOT, "LoadRun: %d machines, %d s per phase, %d cores, %s%n", MACHINES, seconds,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    String only = args.length > 1 ? args[1] : "all";
    if (!only.equals("tasks")) {
      heartbeats(seconds);
    }
    if (!only.equals("heartbeats")) {
      tasks(seconds);
    }
    System.exit(0);
  }

  // ------------------------------------------------------------------ heartbeats

  private static void heartbeats(int seconds) throws Exception {
    String join = HttpCoordinator.newSecret();
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(join).adminToken(HttpCoordinator.newSecret())
        .rateLimit(1e9, 1_000_000).threads(16).build();
    try (Fleet fleet = Fleets.newBuilder().transport(c).heartbeatInterval(Duration.ofSeconds(5)).build()) {
      c.start(fleet);
      RawHttp raw = new RawHttp(c.uri());
      String[] creds = new String[MACHINES];
      for (int i = 0; i < MACHINES; i++) {
        creds[i] = CoordinatorApiTest.field(raw.post("/v1/join", join, CoordinatorApiTest.machineJson("hb" + i, "x"))
            .body(), "credential");
      }
      AtomicLong[] sequence = new AtomicLong[MACHINES];
      Arrays.setAll(sequence, i -> new AtomicLong());
      run("warm-up heartbeats", c.port(), creds, sequence, WARM_UP_SECONDS, 0);
      double max = run("heartbeats, full speed", c.port(), creds, sequence, seconds, 0);
      run("heartbeats at half that rate", c.port(), creds, sequence, seconds, max / 2);
    } finally {
      c.close();
    }
  }

  /**
   * Sends heartbeats for {@code seconds} over 2 keep-alive connections per machine, each a thread writing a
   * request and reading its answer, at most {@code rate} per second in all (0: as fast as they go). A lean
   * client, so the figures are the coordinator's rather than a client library's.
   */
  private static double run(String name, int port, String[] creds, AtomicLong[] sequence, int seconds,
      double rate) throws Exception {
    int perMachine = 2;
    int connections = creds.length * perMachine;
    long[][] latencies = new long[connections][];
    int[] counts = new int[connections];
    AtomicInteger errors = new AtomicInteger();
    cpuMark = cpu();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    double perConnection = rate / connections;
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < connections; k++) {
      int conn = k;
      int m = k % creds.length;
      latencies[k] = new long[1 << 14];
      Thread th = new Thread(() -> {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          s.setTcpNoDelay(true);
          java.io.OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream());
          Responses in = new Responses(s.getInputStream());
          long sent = 0;
          while (System.nanoTime() < end) {
            if (perConnection > 0) {
              long wait = start + (long) (sent * 1e9 / perConnection) - System.nanoTime();
              if (wait > 0) {
                LockSupport.parkNanos(wait);
              }
            }
            String body = "{\"sequence\":" + sequence[m].incrementAndGet() + ",\"load\":0.1}";
            String req = "POST /v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + creds[m]
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            long t0 = System.nanoTime();
            out.write(req.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            int status = in.read();
            long took = System.nanoTime() - t0;
            sent++;
            if (status != 200) {
              errors.incrementAndGet();
            }
            if (counts[conn] == latencies[conn].length) {
              latencies[conn] = Arrays.copyOf(latencies[conn], counts[conn] * 2);
            }
            latencies[conn][counts[conn]++] = took;
          }
        } catch (java.io.IOException e) {
          errors.incrementAndGet();
        }
      }, "load-" + k);
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int k = 0; k < connections; k++) {
      System.arraycopy(latencies[k], 0, all, at, counts[k]);
      at += counts[k];
    }
    double perSecond = total / elapsed;
    report(name, perSecond, all, errors.get());
    return perSecond;
  }

  /**
   * Reads HTTP/1.1 responses with Content-Length bodies from one connection, through its own buffer: a lean
   * client, so the figures are mostly the coordinator's.
   */
  private static final class Responses {
    private final java.io.InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;

    Responses(java.io.InputStream in) {
      this.in = in;
    }

    /** Reads one response; returns its status. */
    int read() throws java.io.IOException {
      int status = -1;
      int length = 0;
      while (true) {
        int eol = lineEnd();
        int start = pos;
        pos = eol + 1;
        int end = eol > start && buf[eol - 1] == '\r' ? eol - 1 : eol;
        if (end == start) {
          break;
        }
        if (status < 0) {
          status = (buf[start + 9] - '0') * 100 + (buf[start + 10] - '0') * 10 + (buf[start + 11] - '0');
        } else if (end - start > 15 && regionMatches(start, "content-length:")) {
          int n = 0;
          for (int i = start + 15; i < end; i++) {
            if (buf[i] >= '0' && buf[i] <= '9') {
              n = n * 10 + buf[i] - '0';
            }
          }
          length = n;
        }
      }
      while (lim - pos < length) {
        compactAndFill();
      }
      pos += length;
      return status;
    }

    private boolean regionMatches(int at, String lower) {
      for (int i = 0; i < lower.length(); i++) {
        if (Character.toLowerCase((char) buf[at + i]) != lower.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    /** The index of the next '\n', reading more as needed. */
    private int lineEnd() throws java.io.IOException {
      int from = pos;
      while (true) {
        for (int i = from; i < lim; i++) {
          if (buf[i] == '\n') {
            return i;
          }
        }
        from = lim - pos;
        compactAndFill();
        from += pos;
      }
    }

    private void compactAndFill() throws java.io.IOException {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        lim -= pos;
        pos = 0;
      }
      int n = in.read(buf, lim, buf.length - lim);
      if (n < 0) {
        throw new java.io.EOFException("connection closed");
      }
      lim += n;
    }
  }

  // ------------------------------------------------------------------ tasks

  /** {@code -Dloadrun.journal=true}: the fleet journals to a file journal (fsync on) in a temporary directory. */
  private static final boolean JOURNAL = Boolean.getBoolean("loadrun.journal");

  private static void tasks(int seconds) throws Exception {
    String join = HttpCoordinator.newSecret();
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(join).adminToken(HttpCoordinator.newSecret())
        .rateLimit(1e9, 1_000_000).threads(16).mailboxCapacity(1_000_000).build();
    // Per task in flight: when it was submitted, and when the agent's handler ran it.
    ConcurrentHashMap<String, long[]> submitted = new ConcurrentHashMap<>();
    long[][] latencies = new long[3][4_000_000]; // end to end, submit to handler, handler to result accepted
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    java.nio.file.Path journalDir = JOURNAL ? java.nio.file.Files.createTempDirectory("loadrun-journal") : null;
    dev.fleet.core.FleetBuilder builder = Fleets.newBuilder();
    if (journalDir != null) {
      System.out.println("journal: " + journalDir + " (fsync on)");
      builder.journal(dev.fleet.core.FileJournal.newBuilder(journalDir).build());
    }
    try (Fleet fleet = builder.transport(c).heartbeatInterval(Duration.ofSeconds(1)).loadPerTask(0)
        .maxQueuedTasks(2_000_000).finishedTaskRetention(10_000).listener(e -> {
          if (e instanceof FleetEvent.TaskChanged t && t.to().isFinal()) {
            long[] at = submitted.remove(t.task().value());
            if (at != null) {
              long now = System.nanoTime();
              int i = done.getAndIncrement();
              if (i < latencies[0].length) {
                latencies[0][i] = now - at[0];
                latencies[1][i] = at[1] == 0 ? 0 : at[1] - at[0];
                latencies[2][i] = at[1] == 0 ? 0 : now - at[1];
              }
              if (t.to() != TaskState.SUCCEEDED) {
                failed.incrementAndGet();
              }
            }
          }
        }).build()) {
      c.start(fleet);
      List<HttpAgent> agents = new ArrayList<>();
      for (int i = 0; i < MACHINES; i++) {
        agents.add(HttpAgent.newBuilder(c.uri(), Machine.of("w" + i, "w" + i + ".local", "worker", List.of("work")))
            .joinToken(join).slots(SLOTS).handler(ctx -> {
              long[] at = submitted.get(ctx.task().id().value());
              if (at != null) {
                at[1] = System.nanoTime();
              }
              return TaskResult.success();
            }).build().start());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (agents.stream().anyMatch(a -> a.state() != HttpAgent.State.CONNECTED) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(10_000_000L);
      }
      AtomicInteger ids = new AtomicInteger();
      runTasks("warm-up tasks", fleet, submitted, latencies, done, failed, ids, WARM_UP_SECONDS, 0);
      double max = runTasks("tasks end to end, full speed", fleet, submitted, latencies, done, failed, ids, seconds, 0);
      runTasks("tasks at half that rate", fleet, submitted, latencies, done, failed, ids, seconds, max / 2);
      for (String r : System.getProperty("loadrun.taskRates", "").split(",")) {
        if (!r.isBlank()) {
          runTasks("tasks at " + r.trim() + "/s", fleet, submitted, latencies, done, failed, ids, seconds,
              Double.parseDouble(r.trim()));
        }
      }
      agents.forEach(HttpAgent::close);
    } finally {
      c.close();
      if (journalDir != null) {
        try (var files = java.nio.file.Files.walk(journalDir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  private static double runTasks(String name, Fleet fleet, ConcurrentHashMap<String, long[]> submitted, long[][] latencies,
      AtomicInteger done, AtomicInteger failed, AtomicInteger ids, int seconds, double rate) throws Exception {
    done.set(0);
    failed.set(0);
    cpuMark = cpu();
    int window = 2_000; // tasks in flight when running at full speed
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    long sent = 0;
    while (System.nanoTime() < end) {
      if (rate > 0) {
        long wait = start + (long) (sent * 1e9 / rate) - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      } else {
        while (sent - done.get() >= window && System.nanoTime() < end) {
          LockSupport.parkNanos(50_000L);
        }
      }
      // At full speed, submissions go in batches (one journal sync each when the fleet is durable); at a fixed
      // rate, one at a time.
      int n = rate > 0 ? 1 : (int) Math.max(1, Math.min(64, window - (sent - done.get())));
      List<Task> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String id = "t" + ids.incrementAndGet();
        submitted.put(id, new long[] {System.nanoTime(), 0});
        batch.add(Task.newBuilder(id).requires("work").build());
      }
      fleet.dispatcher().submitAll(batch);
      sent += n;
    }
    long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (done.get() < sent && System.nanoTime() < drain) {
      LockSupport.parkNanos(1_000_000L);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    int count = Math.min(done.get(), latencies[0].length);
    double perSecond = done.get() / elapsed;
    report(name, perSecond, Arrays.copyOf(latencies[0], count), failed.get() + (int) (sent - done.get()));
    System.out.printf(Locale.ROOT, "%-30s %s;  %s%n", "", stage("submit -> handler", Arrays.copyOf(latencies[1], count)),
        stage("handler -> result accepted", Arrays.copyOf(latencies[2], count)));
    return perSecond;
  }

  private static String stage(String name, long[] latencies) {
    Arrays.sort(latencies);
    return String.format(Locale.ROOT, "%s p50 %.2f ms, p99 %.2f ms", name,
        latencies.length == 0 ? 0 : latencies[latencies.length / 2] / 1e6,
        latencies.length == 0 ? 0 : latencies[(int) Math.min(latencies.length - 1, latencies.length * 0.99)] / 1e6);
  }

  private static long cpuMark = cpu();

  /** CPU time this process has used, server and clients together. */
  private static long cpu() {
    return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
  }

  private static void report(String name, double perSecond, long[] latencies, int errors) {
    long now = cpu();
    double cpuPerOp = latencies.length == 0 ? 0 : (now - cpuMark) / 1e3 / latencies.length;
    cpuMark = now;
    Arrays.sort(latencies);
    double p50 = latencies.length == 0 ? 0 : latencies[latencies.length / 2] / 1e6;
    double p99 = latencies.length == 0 ? 0 : latencies[(int) Math.min(latencies.length - 1, latencies.length * 0.99)]
        / 1e6;
    System.out.printf(Locale.ROOT,
        "%-30s %8.0f /s   p50 %7.2f ms   p99 %7.2f ms   cpu %6.0f us/op   (%d done, %d errors)%n", name, perSecond,
        p50, p99, cpuPerOp, latencies.length, errors);
  }

}
