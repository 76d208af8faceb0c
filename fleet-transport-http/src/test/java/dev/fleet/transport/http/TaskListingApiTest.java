package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /v1/tasks with its filters, GET /v1/tasks/{id}/output, and the client's tasks(...) and output(...). */
class TaskListingApiTest {
  private final TestCoordinator t = new TestCoordinator();
  private final HttpFleetClient client = HttpFleetClient.connect(t.coordinator.uri(), t.adminToken);
  private HttpAgent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    t.close();
  }

  private static List<String> ids(List<TaskSummary> tasks) {
    return tasks.stream().map(s -> s.id().value()).toList();
  }

  /** Three tasks: a succeeded on m1, b queued for a gpu, c running on m1; m2 has nothing. */
  private void threeTasks() {
    String m1 = field(t.http.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(), "credential");
    String m2 = field(t.http.post("/v1/join", t.joinToken, machineJson("m2", "code")).body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", m1, "{\"sequence\":0,\"load\":0.1}").status());
    assertEquals(200, t.http.post("/v1/heartbeat", m2, "{\"sequence\":0,\"load\":0.7}").status());
    var d = t.fleet.dispatcher();
    Decision.Dispatched a = (Decision.Dispatched) d.submit(Task.newBuilder("a").requires("code").build());
    d.submit(Task.newBuilder("b").requires("gpu").build());
    Decision.Dispatched c = (Decision.Dispatched) d.submit(Task.newBuilder("c").requires("code").build());
    assertEquals(MachineId.of("m1"), a.machine());
    assertEquals(MachineId.of("m1"), c.machine());
    d.complete(TaskId.of("a"), a.token(), TaskResult.success(Payload.text("done", "text/plain")));
    d.started(TaskId.of("c"), c.token());
  }

  @Test
  void listsAndFiltersTasks() {
    threeTasks();
    List<TaskSummary> all = client.tasks(TaskFilter.all());
    assertEquals(List.of("a", "b", "c"), ids(all), "submission order");
    TaskSummary a = all.get(0);
    assertEquals(TaskState.SUCCEEDED, a.state());
    assertEquals(Optional.of(MachineId.of("m1")), a.machine());
    assertEquals(Optional.of(true), a.succeeded());
    assertEquals(4, a.outputBytes().orElseThrow());
    assertTrue(a.sinceDispatch().isPresent());
    assertEquals(Optional.empty(), all.get(1).sinceDispatch(), "never dispatched");
    assertTrue(all.get(1).summary().contains("2 lack 'gpu'"), all.get(1).summary());

    assertEquals(List.of("c"), ids(client.tasks(TaskFilter.all().withStates(TaskState.RUNNING))));
    assertEquals(List.of("b", "c"), ids(client.tasks(TaskFilter.all().withStates(TaskState.QUEUED,
        TaskState.RUNNING))));
    assertEquals(List.of("a", "c"), ids(client.tasks(TaskFilter.all().withMachine(MachineId.of("m1")))));
    assertEquals(List.of(), ids(client.tasks(TaskFilter.all().withMachine(MachineId.of("m2")))));
    assertEquals(List.of("b"), ids(client.tasks(TaskFilter.all().withCapability("gpu"))));
    assertEquals(List.of("c"), ids(client.tasks(TaskFilter.all().withLimit(1))), "the newest");

    RawHttp.Reply raw = t.http.get("/v1/tasks?state=queued,Running&machine=m1", t.adminToken);
    assertEquals(200, raw.status(), raw.body());
    assertTrue(raw.body().matches("\\{\"tasks\":\\[\\{\"id\":\"c\",.*\\],\"matched\":1\\}"), raw.body());
    assertTrue(t.http.get("/v1/tasks?limit=2", t.adminToken).body().endsWith("\"matched\":3}"));
  }

  @Test
  void aBadFilterIsA400ThatNamesIt() {
    threeTasks();
    for (String[] bad : new String[][] {{"state=runing", "'runing'"}, {"state=running,", "got ''"},
        {"limit=0", "'0'"}, {"limit=ten", "'ten'"}, {"limit=10001", "'10001'"}, {"machine=", "machine"},
        {"capability=%20", "capability"}, {"stat=running", "'stat'"}, {"limit=1&limit=2", "'limit'"}}) {
      RawHttp.Reply r = t.http.get("/v1/tasks?" + bad[0], t.adminToken);
      assertEquals(400, r.status(), bad[0] + ": " + r.body());
      assertTrue(r.isProblem(), r.contentType());
      assertTrue(r.body().contains(bad[1]), bad[0] + ": " + r.body());
    }
    FleetHttpException e = assertThrows(FleetHttpException.class, () -> HttpFleetClient.connect(
        t.coordinator.uri(), HttpCoordinator.newSecret()).tasks(TaskFilter.all()));
    assertEquals(401, e.status());
    String m1 = field(t.http.post("/v1/join", t.joinToken, machineJson("m9")).body(), "credential");
    assertEquals(403, t.http.get("/v1/tasks", m1).status(), "a machine may not list the fleet's tasks");
    RawHttp.Reply put = t.http.delete("/v1/tasks", t.adminToken);
    assertEquals(405, put.status());
    assertTrue(put.body().contains("use POST, GET"), put.body());
  }

  @Test
  void aTasksOutputComesBackAsTheBytesItsHandlerReported() throws Exception {
    byte[] binary = new byte[300];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    agent = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of("m1", "m1.local", "worker", List.of("code")))
        .joinToken(t.joinToken).slots(2).backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .handler(ctx -> switch (ctx.task().id().value()) {
          case "bin" -> TaskResult.success(new Payload(binary, "application/x-test"));
          case "text" -> TaskResult.success(Payload.text("héllo\n", "text/plain; charset=utf-8"));
          default -> new TaskResult(false, Payload.text("oops", "text/plain"), "exit status 3");
        }).build().start();
    t.fleet.dispatcher().submit(Task.newBuilder("waits").requires("gpu").build());
    for (String id : List.of("bin", "text", "fails")) {
      t.fleet.dispatcher().submit(Task.newBuilder(id).requires("code").build());
    }
    Await.until(Duration.ofSeconds(20), () -> List.of("bin", "text", "fails").stream().allMatch(id -> t.fleet
        .dispatcher().status(TaskId.of(id)).orElseThrow().state().isFinal()), () -> "the three tasks finished");

    Payload bin = client.output(TaskId.of("bin"));
    assertArrayEquals(binary, bin.bytes());
    assertEquals("application/x-test", bin.mediaType());
    Payload text = client.output(TaskId.of("text"));
    assertEquals("héllo\n", text.asText());
    assertTrue(text.mediaType().startsWith("text/plain"), text.mediaType());
    assertEquals("oops", client.output(TaskId.of("fails")).asText(), "a failure's output is output too");

    HttpResponse<byte[]> raw = RawHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(t.coordinator.uri()
        + "/v1/tasks/fails/output")).header("Authorization", "Bearer " + t.adminToken).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, raw.statusCode());
    assertEquals("failed", raw.headers().firstValue("Fleet-Task-State").orElseThrow());
    assertTrue(t.http.get("/v1/tasks/bin", t.adminToken).body().contains("\"result\":{\"succeeded\":true,"
        + "\"output\":{\"mediaType\":\"application/x-test\",\"base64\":\"AAECAwQF"), "the status carries it too");

    FleetHttpException none = assertThrows(FleetHttpException.class, () -> client.output(TaskId.of("waits")));
    assertEquals(404, none.status());
    assertEquals("no-output", none.kind());
    assertTrue(none.detail().startsWith("task 'waits' has no output yet: it is queued"), none.detail());
    t.fleet.dispatcher().cancel(TaskId.of("waits"));
    assertTrue(assertThrows(FleetHttpException.class, () -> client.output(TaskId.of("waits"))).detail()
        .contains("it ended cancelled without a result"));
    FleetHttpException unknown = assertThrows(FleetHttpException.class, () -> client.output(TaskId.of("nope")));
    assertEquals("unknown-task", unknown.kind());
  }
}
