package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Fleet;
import dev.fleet.Machine;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.core.Fleets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An agent whose coordinator restarts (a new coordinator on the same port that replayed the old one's
 * credentials): it rejoins with its credential, its message cursor starts afresh with the new incarnation so
 * new work is not skipped, and attempts the new coordinator has no record of are stopped.
 */
class CoordinatorRestartTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private final String joinToken = HttpCoordinator.newSecret();
  private final String adminToken = HttpCoordinator.newSecret();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private record Run(HttpCoordinator coordinator, Fleet fleet) {}

  private Run coordinator(int port, List<byte[]> journal, List<Machine> known) {
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(joinToken).adminToken(adminToken).port(port)
        .rateLimit(100_000, 100_000).build();
    Fleet fleet = Fleets.newBuilder().transport(c).heartbeatInterval(Duration.ofMillis(100))
        .suspectAfter(Duration.ofSeconds(5)).offlineAfter(Duration.ofSeconds(10)).build();
    List<byte[]> replay = List.copyOf(journal);
    c.attach(journal::add);
    replay.forEach(c::replay);
    known.forEach(fleet.registry()::register); // what the engine's journal would bring back
    c.start(fleet);
    open.add(fleet);
    open.add(c);
    return new Run(c, fleet);
  }

  @Test
  void theAgentRejoinsWithItsCredentialStopsUnknownWorkAndMissesNothingNew() throws Exception {
    List<byte[]> journal = new CopyOnWriteArrayList<>();
    Run first = coordinator(0, journal, List.of());
    CountDownLatch longStarted = new CountDownLatch(1);
    CountDownLatch longStopped = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    Machine m1 = Machine.of("m1", "m1.local", "worker", List.of("work"));
    HttpAgent agent = HttpAgent.newBuilder(first.coordinator().uri(), m1).joinToken(joinToken).slots(4)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(100)).handler(ctx -> {
          ran.add(ctx.task().id().value());
          if (ctx.task().id().value().equals("long")) {
            longStarted.countDown();
            try {
              new CountDownLatch(1).await(60, TimeUnit.SECONDS); // until withdrawn
            } finally {
              longStopped.countDown();
            }
          }
          return TaskResult.success(Payload.text("ok", "text/plain"));
        }).build();
    open.add(agent);
    agent.start();
    Await.until(LIMIT, () -> agent.state() == HttpAgent.State.CONNECTED, () -> "joined: " + agent);
    for (int i = 0; i < 5; i++) { // moves the agent's cursor on, past where the new coordinator starts counting
      first.fleet().dispatcher().submit(Task.newBuilder("quick-" + i).requires("work").build());
    }
    first.fleet().dispatcher().submit(Task.newBuilder("long").requires("work").build());
    assertTrue(longStarted.await(20, TimeUnit.SECONDS), "long started");
    Await.until(LIMIT, () -> first.fleet().dispatcher().status(TaskId.of("quick-4")).orElseThrow().state()
        == TaskState.SUCCEEDED, () -> "quick tasks done");
    int port = first.coordinator().port();
    String credential = agent.credential().orElseThrow();

    first.coordinator().close();
    first.fleet().close();
    Run second = coordinator(port, journal, List.of(m1));

    assertTrue(longStopped.await(20, TimeUnit.SECONDS), "the attempt the new coordinator does not know was stopped");
    Await.until(LIMIT, () -> agent.state() == HttpAgent.State.CONNECTED, () -> "reconnected: " + agent);
    assertEquals(credential, agent.credential().orElseThrow(), "it kept its credential");
    second.fleet().dispatcher().submit(Task.newBuilder("after").requires("work").build());
    Await.until(LIMIT, () -> second.fleet().dispatcher().status(TaskId.of("after")).orElseThrow().state()
        == TaskState.SUCCEEDED, () -> "new work after the restart ran: " + ran + " "
        + second.fleet().dispatcher().status(TaskId.of("after")));
    assertEquals(1, ran.stream().filter("long"::equals).count(), ran.toString());
  }
}
