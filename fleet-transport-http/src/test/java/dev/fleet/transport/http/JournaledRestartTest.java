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
import dev.fleet.TaskStatus;
import dev.fleet.core.Fleets;
import dev.fleet.testing.MemoryJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A coordinator with a journal that loses power (everything not synced is gone) while an agent runs work, and
 * comes back from the journal on the same port: the agent reconnects with its journaled credential, the
 * attempt it was running is still current and its result is accepted once, work that was queued runs once,
 * and nothing runs twice.
 */
class JournaledRestartTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);
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

  private Run coordinator(int port, MemoryJournal journal) {
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(joinToken).adminToken(adminToken).port(port)
        .rateLimit(100_000, 100_000).build();
    Fleet fleet = Fleets.newBuilder().transport(c).journal(journal).heartbeatInterval(Duration.ofMillis(100))
        .suspectAfter(Duration.ofSeconds(5)).offlineAfter(Duration.ofSeconds(10)).build();
    c.start(fleet);
    open.add(fleet);
    open.add(c);
    return new Run(c, fleet);
  }

  private static TaskStatus status(Run r, String task) {
    return r.fleet().dispatcher().status(TaskId.of(task)).orElseThrow(() -> new AssertionError("unknown " + task));
  }

  @Test
  void runningWorkSurvivesAPowerCutOfTheCoordinatorAndIsAcceptedOnce() throws Exception {
    MemoryJournal journal = new MemoryJournal();
    Run first = coordinator(0, journal);
    CountDownLatch longStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    HttpAgent agent = HttpAgent.newBuilder(first.coordinator().uri(), Machine.of("m1", "m1.local", "worker",
            List.of("work"))).joinToken(joinToken).slots(1).backoff(Duration.ofMillis(20), Duration.ofMillis(100))
        .handler(ctx -> {
          ran.add(ctx.task().id() + "/" + ctx.token());
          if (ctx.task().id().value().equals("long")) {
            longStarted.countDown();
            release.await(60, TimeUnit.SECONDS);
          }
          return TaskResult.success(Payload.text("done " + ctx.token(), "text/plain"));
        }).build();
    open.add(agent);
    agent.start();
    Await.until(LIMIT, () -> agent.state() == HttpAgent.State.CONNECTED, () -> "joined: " + agent);
    first.fleet().dispatcher().submit(Task.newBuilder("long").requires("work").build());
    assertTrue(longStarted.await(20, TimeUnit.SECONDS), "long started");
    first.fleet().dispatcher().submit(Task.newBuilder("waiting").requires("work").build()); // one slot: it waits
    int port = first.coordinator().port();

    MemoryJournal afterCut = journal.crash();
    first.coordinator().close();
    first.fleet().close();
    Run second = coordinator(port, afterCut);
    assertEquals(1, second.fleet().registry().size(), "the machine is back from the journal");

    Await.until(LIMIT, () -> agent.state() == HttpAgent.State.CONNECTED
        && status(second, "long").state() == TaskState.RUNNING, () -> "reconnected: " + agent + " "
        + status(second, "long"));
    release.countDown();
    Await.until(LIMIT, () -> status(second, "long").state() == TaskState.SUCCEEDED
        && status(second, "waiting").state() == TaskState.SUCCEEDED, () -> "both finished: "
        + status(second, "long") + " " + status(second, "waiting") + " ran " + ran);
    assertEquals(1, ran.stream().filter(r -> r.startsWith("long/")).count(), ran.toString());
    assertEquals(1, ran.stream().filter(r -> r.startsWith("waiting/")).count(), ran.toString());
    assertEquals(1, status(second, "long").attempts().size(), "the restart did not cost an attempt");
  }
}
