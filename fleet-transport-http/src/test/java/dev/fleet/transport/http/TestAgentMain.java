package dev.fleet.transport.http;

import dev.fleet.Machine;
import dev.fleet.Payload;
import dev.fleet.TaskResult;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An agent process for end-to-end tests: {@code TestAgentMain URL JOIN_TOKEN ID CAPABILITIES SLOTS}. A task whose
 * payload reads {@code sleep N} sleeps N ms; every task answers with the machine's id.
 */
public final class TestAgentMain {
  private TestAgentMain() {}

  public static void main(String[] args) throws Exception {
    String id = args[2];
    HttpAgent agent = HttpAgent.newBuilder(URI.create(args[0]),
            Machine.of(id, id + ".local", "worker", Arrays.asList(args[3].split(","))))
        .joinToken(args[1]).slots(Integer.parseInt(args[4])).backoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .handler(ctx -> {
          String text = ctx.task().payload().asText();
          if (text.startsWith("sleep ")) {
            // The task's own work, lasting N ms in a real agent process so a test can kill the process while
            // work is in flight; no test waits on this time, they wait on the fleet's events and states.
            work(ctx, Long.parseLong(text.substring(6).trim()));
          }
          return TaskResult.success(Payload.text(id, "text/plain"));
        }).build();
    agent.start();
    System.out.println("agent " + id + " started");
    new CountDownLatch(1).await(10, TimeUnit.MINUTES);
    agent.close();
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
