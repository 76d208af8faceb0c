package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an agent says and does about its standing with the coordinator: a coordinator it cannot reach (said once,
 * and once when it is back), a join token refused, its slots, and a resumption after sleep.
 */
class AgentStandingTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private static HttpAgent.Builder agent(URI coordinator, String id, String token) {
    return HttpAgent.newBuilder(coordinator, Machine.of(id, id + ".local", "worker", List.of("x"))).joinToken(token)
        .handler(ctx -> TaskResult.success()).backoff(Duration.ofMillis(20), Duration.ofMillis(100));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aCoordinatorThatCannotBeReachedIsSaidOnceWithWhyAndOnceWhenItIsBack() throws Exception {
    AgentLog log = keep(new AgentLog());
    int port = freePort();
    URI url = URI.create("http://127.0.0.1:" + port);
    String token = HttpCoordinator.newSecret();
    HttpAgent a = keep(agent(url, "a", token).build()).start();
    Await.until(LIMIT, () -> log.matching("FINE", "still cannot reach").size() >= 3, () -> "retried: " + log.lines);

    assertEquals(List.of("WARNING a: cannot reach the coordinator at " + url + ": connection refused; is `fleet "
        + "coordinator` running? retrying"), log.matching("WARNING", "cannot reach"), log.lines::toString);

    TestCoordinator t = keep(new TestCoordinator(b -> b.port(port).joinToken(token), f -> { }));
    Await.until(LIMIT, () -> a.state() == HttpAgent.State.CONNECTED, () -> "joined: " + a + " " + log.lines);
    assertEquals(1, log.matching("INFO", "reached the coordinator at " + url + " again").size(), log.lines::toString);
    assertEquals(1, log.matching("WARNING", "cannot reach").size(), log.lines::toString);
    assertTrue(t.fleet.registry().get(MachineId.of("a")).isPresent());
  }

  @Test
  void aTlsHandshakeThatFailsIsLoggedWithItsReason(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    AgentLog log = keep(new AgentLog());
    java.nio.file.Path ks = TlsTest.keystore(dir);
    TestCoordinator t = keep(new TestCoordinator(b -> b.tls(ks, "fleet-test-pass"), f -> { }));
    URI url = t.coordinator.uri();
    // Trusts only the JDK's certificate authorities, not the coordinator's self-signed certificate.
    keep(agent(url, "a", t.joinToken).build()).start();
    Await.until(LIMIT, () -> !log.matching("WARNING", "cannot reach").isEmpty(), log.lines::toString);
    String line = log.matching("WARNING", "cannot reach").get(0);
    assertTrue(line.startsWith("WARNING a: cannot reach the coordinator at " + url + ": TLS handshake failed: "),
        line);
    assertTrue(line.contains("PKIX") || line.contains("certificat"), line);
    assertTrue(line.endsWith("check that the agent trusts the coordinator's certificate (--trust) and that the "
        + "URL's scheme and port are the coordinator's; retrying"), line);
  }

  @Test
  void aRefusedJoinTokenIsSaidWithWhatWasRefused() {
    TestCoordinator t = keep(new TestCoordinator());
    HttpAgent a = keep(agent(t.coordinator.uri(), "a", HttpCoordinator.newSecret()).build()).start();
    Await.until(LIMIT, () -> a.state() == HttpAgent.State.REFUSED, a::toString);
    String why = a.refusal().orElseThrow();
    assertTrue(why.startsWith("the coordinator refused the join token (HTTP 401)"), why);
  }

  @Test
  void anAgentJoinsWithItsSlotsAndNeverRunsMoreAtOnce() {
    TestCoordinator t = keep(new TestCoordinator());
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    HttpAgent a = keep(agent(t.coordinator.uri(), "one", t.joinToken).slots(1).handler(ctx -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      long end = System.nanoTime() + 30_000_000L;
      while (System.nanoTime() < end) {
        LockSupport.parkNanos(1_000_000L);
      }
      running.decrementAndGet();
      return TaskResult.success();
    }).build()).start();
    Await.until(LIMIT, () -> t.fleet.registry().size() == 1, () -> "joined");
    assertEquals("1", t.fleet.registry().get(MachineId.of("one")).orElseThrow().machine().labels().get("slots"));
    assertEquals("1", a.machine().labels().get("slots"));
    for (int i = 0; i < 6; i++) {
      t.fleet.dispatcher().submit(Task.newBuilder("t" + i).requires("x").build());
    }
    Await.until(LIMIT, () -> {
      for (int i = 0; i < 6; i++) {
        if (t.fleet.dispatcher().status(TaskId.of("t" + i)).orElseThrow().state() != TaskState.SUCCEEDED) {
          return false;
        }
      }
      return true;
    }, () -> "all ran: " + t.fleet.dispatcher().queue());
    assertEquals(1, most.get(), "handlers at once");
  }

  @Test
  void slotsAndASlotsLabelMustAgree() {
    URI url = URI.create("http://127.0.0.1:1");
    Machine labelled = Machine.of("m", "m.local", "worker", List.of("x")).withLabel("slots", "3");
    String token = HttpCoordinator.newSecret();
    assertEquals("3", HttpAgent.newBuilder(url, labelled).joinToken(token).handler(ctx -> null).build().machine()
        .labels().get("slots"));
    var e = assertThrows(IllegalArgumentException.class,
        () -> HttpAgent.newBuilder(url, labelled).joinToken(token).handler(ctx -> null).slots(2).build());
    assertTrue(e.getMessage().contains("slots=3") && e.getMessage().contains("slots(2)"), e.getMessage());
    var bad = assertThrows(IllegalArgumentException.class, () -> HttpAgent.newBuilder(url,
        labelled.withLabel("slots", "many")).joinToken(token).handler(ctx -> null).build());
    assertTrue(bad.getMessage().contains("'many'"), bad.getMessage());
  }

  @Test
  void aJumpOfTheWallClockPastTheTickerIsAResumptionAndTheAgentHeartbeatsAtOnce() {
    AgentLog log = keep(new AgentLog());
    TestCoordinator t = keep(new TestCoordinator(b -> { }, TestCoordinator.fastHeartbeats()));
    AtomicLong shift = new AtomicLong();
    InstantSource wall = () -> Instant.now().plusMillis(shift.get());
    AtomicBoolean announced = new AtomicBoolean();
    HttpAgent a = keep(agent(t.coordinator.uri(), "laptop", t.joinToken).wallClock(wall)
        .asleepWhile(announced::get).build()).start();
    MachineId id = MachineId.of("laptop");
    Await.until(LIMIT, () -> t.fleet.registry().get(id).map(s -> s.health() == Health.ONLINE).orElse(false),
        () -> "online: " + t.fleet.registry().list());

    // What `fleet sleep` does just before the machine suspends: heartbeats hold, so none wakes it again.
    // Once it holds, no heartbeat is in flight or goes out, so the announcement stands.
    announced.set(true);
    Await.until(LIMIT, () -> !log.matching("INFO", "holding heartbeats").isEmpty(), log.lines::toString);
    t.fleet.monitor().announceSleep(id);
    assertEquals(Health.ASLEEP, t.fleet.monitor().health(id));

    // The machine wakes an hour later: the wall clock ran on, the ticker did not. The resumption ends the hold
    // even though the check still says the machine announced sleep.
    shift.addAndGet(Duration.ofHours(1).toMillis());
    Await.until(LIMIT, () -> !log.matching("INFO", "laptop: resumed after sleep of ~1h").isEmpty(),
        log.lines::toString);
    Await.until(LIMIT, () -> t.fleet.monitor().health(id) == Health.ONLINE, () -> "awake: " + t.fleet.registry().list());
    assertEquals(1, log.matching("INFO", "resumed after sleep").size(), log.lines::toString);
  }

  @Test
  void anAgentThatStartsHoldingItsHeartbeatsTellsTheCoordinatorItSleepsSoAHeartbeatThatLandedLateCannotWakeIt() {
    AgentLog log = keep(new AgentLog());
    TestCoordinator t = keep(new TestCoordinator(b -> { }, TestCoordinator.fastHeartbeats()));
    AtomicBoolean announced = new AtomicBoolean();
    keep(agent(t.coordinator.uri(), "laptop", t.joinToken).asleepWhile(announced::get).build()).start();
    MachineId id = MachineId.of("laptop");
    Await.until(LIMIT, () -> t.fleet.registry().get(id).map(s -> s.health() == Health.ONLINE).orElse(false),
        () -> "online: " + t.fleet.registry().list());

    // As when `fleet sleep`'s announcement was overtaken by a heartbeat in flight: the coordinator thinks the
    // machine awake, and the agent holds its heartbeats. Unless the agent speaks, it stays online and silent.
    announced.set(true);
    Await.until(LIMIT, () -> !log.matching("INFO", "holding heartbeats").isEmpty(), log.lines::toString);
    Await.until(LIMIT, () -> t.fleet.monitor().health(id) == Health.ASLEEP, () -> "asleep: " + t.fleet.registry().list());
  }
}
