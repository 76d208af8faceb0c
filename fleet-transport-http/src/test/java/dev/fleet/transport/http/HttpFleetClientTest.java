package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Priority;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.Weight;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpFleetClientTest {
  private final TestCoordinator t = new TestCoordinator();
  private final HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void submitsInspectsAndRunsTheFleet() {
    String cred = field(t.http.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":0,\"load\":0.3,\"signals\":"
        + "{\"onBattery\":true,\"batteryPercent\":40}}").status());
    Task full = Task.newBuilder("full").title("A full task").requires("code").priority(Priority.HIGH)
        .weight(Weight.LIGHT).payload(new Payload(new byte[] {0, (byte) 0xff, 1}, "application/octet-stream"))
        .deadline(Duration.ofMinutes(5)).maxAttempts(5).idempotencyKey("k-1").role("worker").build();
    Task waits = Task.newBuilder("waits").requires("gpu").build();
    List<RemoteDecision> d = client.submit(List.of(full, waits));
    assertEquals(RemoteDecision.Outcome.DISPATCHED, d.get(0).outcome());
    assertEquals(Optional.of(MachineId.of("m1")), d.get(0).machine());
    assertEquals(RemoteDecision.Outcome.QUEUED, d.get(1).outcome());
    assertTrue(d.get(1).why().summary().contains("lacks 'gpu'"), d.get(1).why().summary());

    TaskStatus s = client.task(TaskId.of("full")).orElseThrow();
    assertEquals(full, s.task(), "a task survives the round trip, binary payload included");
    assertEquals(TaskState.DISPATCHED, s.state());
    assertEquals(Optional.empty(), client.task(TaskId.of("nope")));

    assertEquals(List.of(TaskId.of("waits")), client.queue().stream().map(TaskStatus::id).toList());
    assertTrue(client.explain(TaskId.of("waits")).render().contains("m1"));

    RemoteMachine m = client.machines().get(0);
    assertEquals(MachineId.of("m1"), m.status().id());
    assertEquals(0.3, m.status().load(), 1e-9);
    assertTrue(m.status().signals().onBattery());
    assertTrue(m.connected());
    assertEquals(List.of(TaskId.of("full")), m.tasks());

    assertEquals(Health.DRAINING, client.drain(MachineId.of("m1"), Optional.empty()).status().health());
    assertEquals(Health.ONLINE, client.undrain(MachineId.of("m1")).status().health());
    assertTrue(client.rules().contains("Fleet rules"));
    assertTrue(client.cancel(TaskId.of("waits")));
    assertFalse(client.cancel(TaskId.of("waits")));

    FleetHttpException e = assertThrows(FleetHttpException.class, () -> client.explain(TaskId.of("nope")));
    assertEquals(404, e.status());
    assertEquals("unknown-task", e.kind());
    assertTrue(e.getMessage().contains("no task 'nope'"), e.getMessage());

    client.removeMachine(MachineId.of("m1"));
    assertEquals(0, t.fleet.registry().size());
    String fresh = client.rotateJoinToken();
    assertEquals(401, t.http.post("/v1/join", t.joinToken, machineJson("m2", "x")).status());
    assertEquals(200, t.http.post("/v1/join", fresh, machineJson("m2", "x")).status());
  }

  @Test
  void aWrongClientCredentialIsRefused() {
    HttpFleetClient wrong = HttpFleetClient.connect(t.coordinator.uri(), HttpCoordinator.newSecret());
    FleetHttpException e = assertThrows(FleetHttpException.class, wrong::machines);
    assertEquals(401, e.status());
  }
}
