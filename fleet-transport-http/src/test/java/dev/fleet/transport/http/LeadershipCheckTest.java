package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.spi.JournalException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code HttpCoordinatorBuilder.leadershipCheck}: a replicated coordinator confirms it still leads before it refuses
 * a machine's report from what it knows; one deposed without knowing it answers 503, so the agent sends the report
 * again (to the new leader) instead of dropping its result on a refusal judged from stale state. Accepted reports
 * and reads cost no check.
 */
class LeadershipCheckTest {
  private final AtomicBoolean deposed = new AtomicBoolean();
  private final AtomicInteger checks = new AtomicInteger();
  private final TestCoordinator t = new TestCoordinator(b -> b.leadershipCheck(() -> {
    checks.incrementAndGet();
    if (deposed.get()) {
      throw new JournalException("n1 no longer leads term 3 (term now 4)");
    }
  }), f -> { });

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void aReportRefusedFromStaleStateIsAnswered503OnlyWhenTheCheckSaysThisCoordinatorNoLongerLeads() {
    String cred = field(t.http.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":0,\"load\":0.1}").status());
    assertEquals(200, t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[{\"id\":\"t1\",\"requires\":[\"code\"]}]}")
        .status());
    String token = field(t.http.get("/v1/assignments?ack=0&waitMillis=5000", cred).body(), "token");
    assertEquals(200, t.http.post("/v1/tasks/t1/started", cred, "{\"token\":\"" + token + "\"}").status());
    assertEquals(0, checks.get(), "an accepted report needs no check");

    // Still the leader: the refusals stand.
    assertEquals(404, t.http.post("/v1/tasks/elsewhere/result", cred, "{\"token\":\"1\",\"succeeded\":true}")
        .status());
    assertEquals(409, t.http.post("/v1/tasks/t1/started", cred, "{\"token\":\"7\"}").status());
    RawHttp.Reply batch = t.http.post("/v1/results", cred, "{\"results\":[{\"task\":\"elsewhere\",\"token\":\"1\","
        + "\"succeeded\":true}]}");
    assertEquals(200, batch.status(), batch.body());
    assertTrue(batch.body().contains("\"status\":404"), batch.body());
    assertEquals(3, checks.get());

    // Deposed without knowing it: the same reports are not refused but answered 503, to be sent again.
    deposed.set(true);
    RawHttp.Reply unknown = t.http.post("/v1/tasks/elsewhere/result", cred, "{\"token\":\"1\",\"succeeded\":true}");
    assertEquals(503, unknown.status(), unknown.body());
    assertTrue(unknown.body().contains("n1 no longer leads term 3"), unknown.body());
    assertEquals(503, t.http.post("/v1/tasks/t1/started", cred, "{\"token\":\"7\"}").status());
    assertEquals(503, t.http.post("/v1/results", cred, "{\"results\":[{\"task\":\"elsewhere\",\"token\":\"1\","
        + "\"succeeded\":true}]}").status());
    assertEquals(503, t.http.post("/v1/started", cred, "{\"started\":[{\"task\":\"elsewhere\",\"token\":\"1\"}]}")
        .status());
    assertEquals(7, checks.get());
  }
}
