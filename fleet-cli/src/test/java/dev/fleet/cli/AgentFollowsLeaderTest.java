package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fleet.Machine;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.transport.http.HttpAgent;
import dev.fleet.transport.http.HttpFleetClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole of issue #13's path on real processes: three {@code fleet coordinator --peers} processes, a real
 * agent and a client each given the list of the three URLs; the leader is killed with {@code kill -9}; the agent
 * follows the new leader with its credential, the client's submissions go there, and every task, before and
 * after the kill, runs once and succeeds.
 */
@Timeout(240)
class AgentFollowsLeaderTest {
  @TempDir
  Path dir;

  @Test
  void anAgentAndAClientGivenTheListFollowTheNewLeaderAfterAKillAndEveryTaskRunsOnce() throws Exception {
    try (CoordinatorGroup g = new CoordinatorGroup(dir, 3, "--heartbeat-interval", "500ms")) {
      g.startAll();
      String first = g.awaitLeader(g.names(), Duration.ofSeconds(60));
      List<URI> all = g.names().stream().map(g::url).toList();
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      HttpAgent agent = HttpAgent.newBuilder(all, Machine.of("m1", "m1.local", "worker", List.of("x")))
          .joinToken(CoordinatorGroup.JOIN_TOKEN).backoff(Duration.ofMillis(50), Duration.ofMillis(500))
          .handler(ctx -> {
            runs.computeIfAbsent(ctx.task().id().value(), k -> new AtomicInteger()).incrementAndGet();
            return TaskResult.success();
          }).build();
      HttpFleetClient client = HttpFleetClient.connect(all, CoordinatorGroup.CLIENT_TOKEN);
      try (agent) {
        agent.start();
        CoordinatorGroup.await("the agent joined", Duration.ofSeconds(30),
            () -> agent.state() == HttpAgent.State.CONNECTED);
        String credential = agent.credential().orElseThrow();
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          ids.add(submit(client, "before-" + i));
        }
        awaitSucceeded(client, ids);

        g.kill(first);
        List<String> left = new ArrayList<>(g.names());
        left.remove(first);
        String second = g.awaitLeader(left, Duration.ofSeconds(60));
        assertNotEquals(first, second);
        for (int i = 0; i < 5; i++) {
          ids.add(submit(client, "after-" + i));
        }
        awaitSucceeded(client, ids);

        assertEquals(g.url(second).resolve("/"), client.coordinator().resolve("/"), "the client asks the new leader first");
        assertEquals(credential, agent.credential().orElseThrow(), "the agent kept its credential");
        for (TaskId id : ids) {
          assertEquals(1, runs.get(id.value()).get(), id + " ran " + runs.get(id.value()) + " times");
        }
      }
    }
  }

  private static TaskId submit(HttpFleetClient client, String id) {
    Task t = Task.newBuilder(id).requires("x").build();
    // Until a new leader serves, the client may find none: it tries the list again.
    CoordinatorGroup.await("submitted " + id, Duration.ofSeconds(30), () -> {
      try {
        client.submit(List.of(t));
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    });
    return t.id();
  }

  private static void awaitSucceeded(HttpFleetClient client, List<TaskId> ids) {
    CoordinatorGroup.await("tasks succeeded: " + ids, Duration.ofSeconds(60), () -> ids.stream().allMatch(id -> {
      try {
        return client.task(id).map(s -> s.state() == TaskState.SUCCEEDED).orElse(false);
      } catch (RuntimeException e) {
        return false;
      }
    }));
  }
}
