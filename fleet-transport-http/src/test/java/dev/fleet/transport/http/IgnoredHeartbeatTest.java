package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A heartbeat the coordinator ignores (its sequence is not newer) says so over HTTP, and the agent tells why. */
class IgnoredHeartbeatTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private final TestCoordinator t = new TestCoordinator(b -> { }, TestCoordinator.fastHeartbeats());

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void aRepeatedSequenceIsAnsweredAsIgnoredWithTheReason() {
    String cred = field(t.http.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(), "credential");
    RawHttp.Reply first = t.http.post("/v1/heartbeat", cred, "{\"sequence\":7,\"load\":0.1}");
    assertEquals(200, first.status(), first.body());
    assertTrue(first.body().contains("\"accepted\":true"), first.body());
    assertFalse(first.body().contains("\"ignored\""), first.body());

    RawHttp.Reply again = t.http.post("/v1/heartbeat", cred, "{\"sequence\":7,\"load\":0.9}");
    assertEquals(200, again.status(), again.body());
    assertTrue(again.body().contains("\"accepted\":false"), again.body());
    assertEquals("sequence 7 is not newer than the last one accepted from 'm1'; the heartbeat changed nothing",
        field(again.body(), "ignored"));
    assertEquals(0.1, t.fleet.registry().get(MachineId.of("m1")).orElseThrow().load(), 1e-9);

    RawHttp.Reply newer = t.http.post("/v1/heartbeat", cred, "{\"sequence\":8,\"load\":0.2}");
    assertTrue(newer.body().contains("\"accepted\":true") && !newer.body().contains("\"ignored\""), newer.body());
  }

  @Test
  void anAgentWhoseHeartbeatsAreIgnoredWarnsOnce() {
    try (AgentLog log = new AgentLog();
        HttpAgent agent = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of("m2", "m2.local", "worker",
            List.of("code"))).joinToken(t.joinToken).handler(ctx -> null).build()) {
      agent.start();
      MachineId id = MachineId.of("m2");
      Await.until(LIMIT, () -> t.fleet.registry().get(id).map(s -> s.health() == Health.ONLINE).orElse(false),
          () -> "m2 online: " + t.fleet.registry().list());
      // Someone else heartbeats as m2 far ahead: every heartbeat of the agent's run is now old news. Again until
      // the agent warns, as its first heartbeat (sequence 0, a new run) is accepted whenever it lands.
      long[] far = {1_000_000};
      Await.until(LIMIT, () -> {
        t.fleet.monitor().heartbeat(new Heartbeat(id, far[0]++, 0.0, Signals.NONE));
        return !log.matching("WARNING", "ignored a heartbeat").isEmpty();
      }, () -> "a warning: " + log.lines);
      // Offline takes a second of ignored heartbeats (several at 200 ms): by then each had its chance to warn.
      Await.until(LIMIT, () -> t.fleet.monitor().health(id) == Health.OFFLINE, () -> "m2 offline: " + log.lines);
      List<String> warnings = log.matching("WARNING", "ignored a heartbeat");
      assertEquals(1, warnings.size(), () -> String.join("\n", log.lines));
      assertTrue(warnings.get(0).contains("sequence ") && warnings.get(0).contains("is not newer than the last one "
          + "accepted from 'm2'"), warnings.get(0));
    }
  }
}
