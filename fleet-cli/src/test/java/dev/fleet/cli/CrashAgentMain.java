package dev.fleet.cli;

import dev.fleet.Machine;
import dev.fleet.Payload;
import dev.fleet.TaskResult;
import dev.fleet.transport.http.HttpAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An agent process for the coordinator crash test: {@code CrashAgentMain URL JOIN_TOKEN_FILE ID STATE_DIR
 * EXEC_LOG SLOTS}. It keeps its credential and join key in STATE_DIR as {@code fleet agent} does, and appends
 * one line per execution start ({@code start TASK TOKEN ATTEMPT}) to EXEC_LOG before the task's work begins, so
 * the test can count how often each task ran. A payload {@code sleep N} works N ms.
 */
public final class CrashAgentMain {
  private CrashAgentMain() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    Path joinTokenFile = Path.of(args[1]);
    String id = args[2];
    StateDir state = new StateDir(Path.of(args[3]));
    Path log = Path.of(args[4]);
    int slots = Integer.parseInt(args[5]);
    String credentialFile = StateDir.agentCredential(id);
    String keyFile = StateDir.agentJoinKey(id);
    String key = state.read(keyFile).orElseGet(() -> {
      String k = dev.fleet.transport.http.HttpCoordinator.newSecret();
      state.writeSecret(keyFile, k);
      return k;
    });
    HttpAgent.Builder b = HttpAgent.newBuilder(url, Machine.of(id, id + ".local", "worker", List.of("work")))
        .joinToken(Files.readString(joinTokenFile).trim()).joinKey(key).slots(slots)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(300)).requestTimeout(Duration.ofSeconds(3))
        .onCredential(c -> state.writeSecret(credentialFile, c))
        .handler(ctx -> {
          line(log, "start " + ctx.task().id() + " " + ctx.token() + " " + ctx.attempt() + " "
              + System.currentTimeMillis());
          String text = ctx.task().payload().asText();
          if (text.startsWith("sleep ")) {
            // The task's own work; the test kills the coordinator while it is in flight.
            work(ctx, Long.parseLong(text.substring(6).trim()));
          }
          return TaskResult.success(Payload.text(id + " " + ctx.token(), "text/plain"));
        });
    state.read(credentialFile).ifPresent(b::credential);
    HttpAgent agent = b.build().start();
    System.out.println("agent " + id + " started");
    new CountDownLatch(1).await(30, TimeUnit.MINUTES);
    agent.close();
  }

  private static synchronized void line(Path log, String text) {
    try {
      Files.writeString(log, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The task's work in this real agent process: it takes {@code millis} of wall time, in short steps, and stops
   * early when the coordinator withdraws the attempt, as a well-behaved handler does.
   */
  private static void work(dev.fleet.transport.http.TaskContext ctx, long millis) {
    long end = System.nanoTime() + millis * 1_000_000L;
    long left;
    while (!ctx.isCancelled() && (left = end - System.nanoTime()) > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, 10_000_000L));
    }
  }
}
