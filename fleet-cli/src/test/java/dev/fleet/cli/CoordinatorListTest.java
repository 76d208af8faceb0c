package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Fleet;
import dev.fleet.core.Fleets;
import dev.fleet.transport.http.HttpCoordinator;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with a list of coordinators: client verbs pass over a dead URL and follow a follower's redirect, an
 * error names every URL tried, {@code fleet status} shows the coordinators a node reports, and {@code fleet agent}
 * joins through a follower, keeps the list in its state directory, and {@code fleet sleep} uses it. The leader is
 * a real coordinator in this JVM; the followers are {@link FakeNode}s.
 */
@Timeout(120)
class CoordinatorListTest {
  @TempDir
  Path dir;

  private final String joinToken = HttpCoordinator.newSecret();
  private final String clientToken = HttpCoordinator.newSecret();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    Running.stopAll();
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private URI leader() {
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(joinToken).adminToken(clientToken).port(0).build();
    Fleet fleet = Fleets.newBuilder().transport(c).heartbeatInterval(Duration.ofMillis(200)).build();
    c.start(fleet);
    keep(fleet);
    keep(c);
    return c.uri();
  }

  private static String deadUrl() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void aClientVerbPassesOverADeadCoordinatorAndFollowsAFollowersRedirect() throws Exception {
    URI leader = leader();
    FakeNode follower = keep(new FakeNode(leader));
    String list = deadUrl() + "," + follower.url();
    Run submitted = Run.of("submit", "--coordinator", list, "--client-token", clientToken, "t1");
    assertEquals(0, submitted.code(), submitted.err());
    assertTrue(submitted.out().startsWith("t1 queued"), submitted.out());
    Run status = Run.of("status", "--coordinator", list, "--client-token", clientToken);
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().contains("1 queued tasks"), status.out());
    assertFalse(status.out().contains("Coordinators:"), "a single coordinator, nothing to add: " + status.out());
  }

  @Test
  void whenNoCoordinatorCanServeTheErrorNamesEveryUrlTried() throws Exception {
    String dead = deadUrl();
    FakeNode electing = keep(new FakeNode(null));
    Run r = Run.of("status", "--coordinator", dead + "," + electing.url(), "--client-token", clientToken);
    assertEquals(1, r.code());
    assertEquals("fleet status: cannot reach any of the coordinators (from --coordinator): " + dead
        + ": connection refused; " + electing.url() + ": HTTP 503: an election is under way; is `fleet coordinator` "
        + "running on one of them, and is a leader elected?\n", r.err());
    Run bad = Run.of("status", "--coordinator", dead + ",ftp://x", "--client-token", clientToken);
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("the coordinator URL 'ftp://x' (from --coordinator) is not an http:// or https:// "
        + "URL"), bad.err());
  }

  @Test
  void statusShowsTheCoordinatorsWithTheirRolesAndTheTerm() throws Exception {
    FakeNode node = keep(new FakeNode(null));
    node.answer("/v1/machines", "[]").answer("/v1/queue", "[]").answer("/v1/coordinators",
        "{\"self\":\"desktop\",\"leader\":\"desktop\",\"term\":7,\"coordinators\":["
            + "{\"name\":\"desktop\",\"url\":\"" + node.url() + "\",\"role\":\"leader\"},"
            + "{\"name\":\"minipc\",\"url\":\"http://127.0.0.1:1\",\"role\":\"follower\"},"
            + "{\"name\":\"vps\",\"url\":\"http://127.0.0.1:2\",\"role\":\"unknown\"}]}");
    Run status = Run.of("status", "--coordinator", node.url(), "--client-token", clientToken);
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().startsWith("0 machines\n"), status.out());
    assertTrue(status.out().endsWith("\nCoordinators: term 7, leader desktop, as desktop sees it\n"
        + "  NAME     URL" + " ".repeat(node.url().length() - 1) + "ROLE\n"
        + "  desktop  " + node.url() + "  leader\n"
        + "  minipc   http://127.0.0.1:1" + " ".repeat(node.url().length() - 16) + "follower\n"
        + "  vps      http://127.0.0.1:2" + " ".repeat(node.url().length() - 16) + "unknown\n"), status.out());
  }

  @Test
  void anAgentJoinsThroughAFollowerKeepsTheListAndSleepUsesIt() throws Exception {
    URI leader = leader();
    FakeNode follower = keep(new FakeNode(leader));
    String list = follower.url() + "," + leader.toString().replaceAll("/$", "");
    Path state = dir.resolve("agent");
    Path tokenFile = dir.resolve("join-token");
    Files.writeString(tokenFile, joinToken);
    CompletableFuture<Run> agent = CompletableFuture.supplyAsync(() -> Run.of("agent", "--join", list,
        "--state-dir", state.toString(), "--token-file", tokenFile.toString(), "--id", "m1", "--no-probes",
        "--slots", "1", "--stop-after", "2m"));
    Path credential = state.resolve(StateDir.agentCredential("m1"));
    for (int i = 0; i < 400 && !Files.exists(credential); i++) {
      LockSupport.parkNanos(50_000_000L);
    }
    assertTrue(Files.exists(credential), "joined through the follower's redirect");
    assertEquals(list, Files.readString(state.resolve(StateDir.agentCoordinator("m1"))).trim(),
        "the state directory keeps the whole list");
    Run sleep = Run.of("sleep", "--state-dir", state.toString());
    assertEquals(0, sleep.code(), sleep.err());
    assertEquals("Told the coordinators at " + list + " that m1 goes to sleep; its work waits for it.\n", sleep.out());
    Run.of("sleep", "--state-dir", state.toString(), "--woke");
    Running.stopAll();
    Run a = agent.get(30, TimeUnit.SECONDS);
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().startsWith("Agent m1 joining the leader of " + list + " with no capabilities"), a.out());
  }
}
