package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoordinatorApiTest {
  private final TestCoordinator t = new TestCoordinator();

  @AfterEach
  void stop() {
    t.close();
  }

  static String machineJson(String id, String... caps) {
    return "{\"machine\":{\"id\":\"" + id + "\",\"hostname\":\"" + id + ".local\",\"role\":\"worker\",\"capabilities\":["
        + String.join(",", java.util.Arrays.stream(caps).map(c -> "\"" + c + "\"").toList()) + "]}}";
  }

  static String field(String json, String name) {
    var m = java.util.regex.Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return m.group(1);
  }

  @Test
  void joinHeartbeatSubmitPollStartAndReport() {
    RawHttp.Reply join = t.http.post("/v1/join", t.joinToken, machineJson("m1", "code"));
    assertEquals(200, join.status(), join.body());
    String cred = field(join.body(), "credential");
    assertTrue(cred.startsWith("m.m1."), cred);

    RawHttp.Reply hb = t.http.post("/v1/heartbeat", cred, "{\"sequence\":0,\"load\":0.1}");
    assertEquals(200, hb.status(), hb.body());
    assertTrue(hb.body().contains("\"health\":\"online\""), hb.body());

    RawHttp.Reply submit = t.http.post("/v1/tasks", t.adminToken,
        "{\"tasks\":[{\"id\":\"t1\",\"requires\":[\"code\"],\"payload\":{\"text\":\"hello\"}}]}");
    assertEquals(200, submit.status(), submit.body());
    assertTrue(submit.body().contains("\"outcome\":\"dispatched\""), submit.body());

    RawHttp.Reply poll = t.http.get("/v1/assignments?ack=0&waitMillis=5000", cred);
    assertEquals(200, poll.status(), poll.body());
    assertTrue(poll.body().contains("\"type\":\"assign\""), poll.body());
    String token = field(poll.body(), "token");

    assertEquals(200, t.http.post("/v1/tasks/t1/started", cred, "{\"token\":\"" + token + "\"}").status());
    assertEquals(TaskState.RUNNING, t.fleet.dispatcher().status(TaskId.of("t1")).orElseThrow().state());
    RawHttp.Reply startedBatch = t.http.post("/v1/started", cred, "{\"started\":[{\"task\":\"t1\",\"token\":\""
        + token + "\"},{\"task\":\"nope\",\"token\":\"1\"}]}");
    assertEquals(200, startedBatch.status(), startedBatch.body());
    assertTrue(startedBatch.body().matches("\\{\"outcomes\":\\[\\{\"task\":\"t1\",\"status\":200,.*\\},"
        + "\\{\"task\":\"nope\",\"status\":404,.*"), startedBatch.body());
    RawHttp.Reply result = t.http.post("/v1/tasks/t1/result", cred,
        "{\"token\":\"" + token + "\",\"succeeded\":true,\"output\":{\"text\":\"done\"}}");
    assertEquals(200, result.status(), result.body());
    assertEquals(TaskState.SUCCEEDED, t.fleet.dispatcher().status(TaskId.of("t1")).orElseThrow().state());

    RawHttp.Reply again = t.http.post("/v1/tasks/t1/result", cred,
        "{\"token\":\"" + token + "\",\"succeeded\":true}");
    assertEquals(409, again.status(), again.body());
    assertTrue(again.isProblem());
    assertEquals(1, t.fleet.registry().size());
    assertTrue(t.fleet.registry().get(MachineId.of("m1")).isPresent());
  }

  @Test
  void sleepRerouteDrainQueueAndRules() {
    String c1 = field(t.http.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(), "credential");
    String c2 = field(t.http.post("/v1/join", t.joinToken, machineJson("m2", "code")).body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", c1, "{\"sequence\":0,\"load\":0.1}").status());
    assertEquals(200, t.http.post("/v1/heartbeat", c2, "{\"sequence\":0,\"load\":0.5}").status());
    assertEquals(200, t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[{\"id\":\"t\",\"requires\":[\"code\"]}]}")
        .status());
    assertEquals(MachineId.of("m1"), t.fleet.dispatcher().status(TaskId.of("t")).orElseThrow().machine().orElseThrow());

    RawHttp.Reply moved = t.http.post("/v1/tasks/t/reroute", t.adminToken, "{\"machine\":\"m2\"}");
    assertEquals(200, moved.status(), moved.body());
    assertTrue(moved.body().contains("\"machine\":\"m2\"") && moved.body().contains("\"attempt\":2"), moved.body());
    RawHttp.Reply withdrawn = t.http.get("/v1/assignments?waitMillis=5000", c1);
    assertTrue(withdrawn.body().contains("\"type\":\"withdraw\""), withdrawn.body());

    RawHttp.Reply asleep = t.http.post("/v1/sleep", c1, "");
    assertEquals(200, asleep.status(), asleep.body());
    assertTrue(asleep.body().contains("\"health\":\"asleep\""), asleep.body());

    RawHttp.Reply drained = t.http.post("/v1/machines/m2/drain", t.adminToken, "{\"deadlineMillis\":60000}");
    assertTrue(drained.body().contains("\"health\":\"draining\""), drained.body());
    assertEquals(200, t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[{\"id\":\"w\",\"requires\":[\"code\"]}]}")
        .status());
    RawHttp.Reply queue = t.http.get("/v1/queue", t.adminToken);
    assertTrue(queue.body().contains("\"id\":\"w\"") && queue.body().contains("1 asleep, 1 draining"), queue.body());
    RawHttp.Reply self = t.http.get("/v1/machines/m2", c2);
    assertTrue(self.body().contains("\"tasks\":[\"t\"]") && self.body().contains("\"connected\":true"),
        self.body());
    assertTrue(t.http.get("/v1/rules", t.adminToken).body().contains("Fleet rules"));
    RawHttp.Reply wrongMethod = t.http.get("/v1/heartbeat", c1);
    assertEquals(405, wrongMethod.status());
  }
}
