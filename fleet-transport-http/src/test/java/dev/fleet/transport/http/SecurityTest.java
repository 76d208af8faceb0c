package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskStatus;
import dev.fleet.transport.http.internal.Credentials;
import dev.fleet.transport.http.internal.Secrets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who may do what: every refusal has the right status, says why, and changes nothing. */
class SecurityTest {
  private final TestCoordinator t = new TestCoordinator();
  private String credA;
  private String credB;
  private String tokenB;

  @BeforeEach
  void twoMachinesAndATaskOnB() {
    credA = join("a", "code");
    credB = join("b", "social");
    t.http.post("/v1/heartbeat", credA, "{\"sequence\":0,\"load\":0.0}");
    t.http.post("/v1/heartbeat", credB, "{\"sequence\":0,\"load\":0.0}");
    t.fleet.dispatcher().submit(Task.newBuilder("bt").requires("social").build());
    RawHttp.Reply poll = t.http.get("/v1/assignments?ack=0&waitMillis=5000", credB);
    tokenB = field(poll.body(), "token");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private String join(String id, String cap) {
    RawHttp.Reply r = t.http.post("/v1/join", t.joinToken, machineJson(id, cap));
    assertEquals(200, r.status(), r.body());
    return field(r.body(), "credential");
  }

  /** Everything a request could change, as a comparable value. */
  private record Snapshot(List<String> machines, String task) {}

  private Snapshot snapshot() {
    List<String> machines = t.fleet.registry().list().stream().map(SecurityTest::describe).toList();
    TaskStatus s = t.fleet.dispatcher().status(TaskId.of("bt")).orElseThrow();
    return new Snapshot(machines, s.state() + " " + s.machine() + " " + s.attempt() + " " + s.result());
  }

  private static String describe(MachineStatus m) {
    return m.machine() + " " + m.health() + " " + m.load() + " " + m.lastHeartbeat() + " " + m.activeTasks();
  }

  private void refused(int status, RawHttp.Reply reply, String mentions) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.isProblem(), reply.contentType());
    assertTrue(reply.body().contains("\"status\":" + status), reply.body());
    assertTrue(reply.body().contains(mentions), reply.body());
  }

  @Test
  void withoutACredentialNothingButPingAnswers() {
    Snapshot before = snapshot();
    refused(401, t.http.post("/v1/heartbeat", null, "{\"sequence\":9,\"load\":0.5}"), "needs a credential");
    refused(401, t.http.get("/v1/assignments", null), "needs a credential");
    refused(401, t.http.post("/v1/tasks", null, "{\"tasks\":[{\"id\":\"x\"}]}"), "needs a credential");
    refused(401, t.http.post("/v1/tasks/bt/result", null, "{\"token\":\"" + tokenB + "\",\"succeeded\":true}"),
        "needs a credential");
    refused(401, t.http.get("/v1/machines", null), "needs a credential");
    refused(401, t.http.post("/v1/join", null, machineJson("c", "code")), "needs a credential");
    assertEquals(200, t.http.get("/v1/ping", null).status());
    assertEquals(before, snapshot());
  }

  @Test
  void aWrongCredentialIsRefused() {
    Snapshot before = snapshot();
    String forged = "m.b." + Secrets.newSecret();
    String truncated = credB.substring(0, credB.length() - 1);
    for (String bad : List.of(forged, truncated, "m.nobody." + Secrets.newSecret(), Secrets.newSecret(), "m..x",
        "m.b.")) {
      refused(401, t.http.post("/v1/heartbeat", bad, "{\"sequence\":9,\"load\":0.5}"), "not valid");
      refused(401, t.http.post("/v1/tasks/bt/result", bad, "{\"token\":\"" + tokenB + "\",\"succeeded\":true}"),
          "not valid");
    }
    refused(401, t.http.post("/v1/tasks", "Basic " + t.adminToken, "{\"tasks\":[{\"id\":\"x\"}]}"), "not valid");
    assertEquals(before, snapshot());
  }

  @Test
  void machineACannotActAsMachineB() {
    Snapshot before = snapshot();
    // Identity comes from the credential: a body naming another machine is not even understood.
    refused(400, t.http.post("/v1/heartbeat", credA, "{\"machine\":\"b\",\"sequence\":9,\"load\":0.9}"),
        "unknown field 'machine'");
    refused(403, t.http.get("/v1/tasks/bt", credA), "may read only tasks assigned to it");
    refused(403, t.http.post("/v1/tasks/bt/started", credA, "{\"token\":\"" + tokenB + "\"}"),
        "not assigned to machine 'a'");
    refused(403, t.http.post("/v1/tasks/bt/result", credA, "{\"token\":\"" + tokenB + "\",\"succeeded\":false}"),
        "not assigned to machine 'a'");
    RawHttp.Reply batch = t.http.post("/v1/results", credA, "{\"results\":[{\"task\":\"bt\",\"token\":\"" + tokenB
        + "\",\"succeeded\":true}]}");
    assertEquals(200, batch.status(), batch.body());
    assertTrue(batch.body().contains("\"status\":403") && batch.body().contains("not assigned to machine 'a'"),
        batch.body());
    RawHttp.Reply started = t.http.post("/v1/started", credA, "{\"started\":[{\"task\":\"bt\",\"token\":\"" + tokenB
        + "\"}]}");
    assertEquals(200, started.status(), started.body());
    assertTrue(started.body().contains("\"status\":403") && started.body().contains("not assigned to machine 'a'"),
        started.body());
    refused(403, t.http.get("/v1/machines/b", credA), "only its own record");
    refused(403, t.http.post("/v1/join", credA, machineJson("b", "social")), "cannot join as 'b'");
    refused(403, t.http.post("/v1/tasks", credA, "{\"tasks\":[{\"id\":\"x\"}]}"), "needs the client credential");
    refused(403, t.http.post("/v1/machines/b/drain", credA, "{}"), "needs the client credential");
    refused(403, t.http.delete("/v1/machines/b", credA), "needs the client credential");
    assertEquals(before, snapshot());
    // B itself may.
    assertEquals(200, t.http.get("/v1/tasks/bt", credB).status());
    assertEquals(200, t.http.get("/v1/machines/b", credB).status());
  }

  @Test
  void eachCredentialOpensOnlyItsOwnDoors() {
    Snapshot before = snapshot();
    refused(403, t.http.post("/v1/tasks", t.joinToken, "{\"tasks\":[{\"id\":\"x\"}]}"), "the join token");
    refused(403, t.http.post("/v1/heartbeat", t.joinToken, "{\"sequence\":9,\"load\":0.5}"), "the join token");
    refused(403, t.http.post("/v1/heartbeat", t.adminToken, "{\"sequence\":9,\"load\":0.5}"),
        "needs a machine credential");
    refused(403, t.http.post("/v1/join", t.adminToken, machineJson("c", "code")), "needs the join token");
    assertEquals(before, snapshot());
  }

  @Test
  void aStaleAttemptTokenIsRefusedWithConflict() {
    Snapshot before = snapshot();
    String stale = Long.toUnsignedString(Long.parseUnsignedLong(tokenB) + 1);
    refused(409, t.http.post("/v1/tasks/bt/result", credB, "{\"token\":\"" + stale + "\",\"succeeded\":true}"),
        "is not the current attempt");
    refused(409, t.http.post("/v1/tasks/bt/started", credB, "{\"token\":\"" + stale + "\"}"),
        "is not the current attempt");
    assertEquals(before, snapshot());
    // After the real result, the same token is stale too, and nothing changes again.
    assertEquals(200, t.http.post("/v1/tasks/bt/result", credB, "{\"token\":\"" + tokenB + "\",\"succeeded\":true}")
        .status());
    Snapshot done = snapshot();
    refused(409, t.http.post("/v1/tasks/bt/result", credB, "{\"token\":\"" + tokenB + "\",\"succeeded\":false}"),
        "no attempt out");
    refused(404, t.http.post("/v1/tasks/nope/result", credB, "{\"token\":\"" + tokenB + "\",\"succeeded\":true}"),
        "no task 'nope'");
    assertEquals(done, snapshot());
  }

  @Test
  void aJoinTokenIsRefusedAfterItIsRotatedOrRevoked() {
    RawHttp.Reply rotated = t.http.post("/v1/join-token", t.adminToken, "");
    assertEquals(200, rotated.status(), rotated.body());
    String fresh = field(rotated.body(), "joinToken");
    assertNotEquals(t.joinToken, fresh);
    Snapshot before = snapshot();
    refused(401, t.http.post("/v1/join", t.joinToken, machineJson("c", "code")), "not valid");
    assertEquals(before, snapshot());
    assertEquals(2, t.fleet.registry().size());
    assertEquals(200, t.http.post("/v1/join", fresh, machineJson("c", "code")).status());

    assertEquals(200, t.http.delete("/v1/join-token", t.adminToken).status());
    Snapshot revoked = snapshot();
    refused(401, t.http.post("/v1/join", fresh, machineJson("d", "code")), "not valid");
    assertEquals(revoked, snapshot());
    // Machines that joined keep working.
    assertEquals(200, t.http.post("/v1/heartbeat", credA, "{\"sequence\":5,\"load\":0.1}").status());
  }

  @Test
  void aJoinedMachineCannotBeTakenOverWithTheJoinToken() {
    Snapshot before = snapshot();
    refused(409, t.http.post("/v1/join", t.joinToken, machineJson("b", "code", "social")), "has already joined");
    assertEquals(before, snapshot());
    // With its own credential it reconnects, keeping its registration slot.
    RawHttp.Reply again = t.http.post("/v1/join", credB, machineJson("b", "social"));
    assertEquals(200, again.status(), again.body());
    assertTrue(again.body().contains("\"reconnected\":true"), again.body());
    assertEquals(credB, field(again.body(), "credential"));
    assertEquals(2, t.fleet.registry().size());
  }

  @Test
  void removingAMachineRevokesItsCredential() {
    assertEquals(200, t.http.delete("/v1/machines/b", t.adminToken).status());
    assertTrue(t.fleet.registry().get(MachineId.of("b")).isEmpty());
    Snapshot before = snapshot();
    refused(401, t.http.post("/v1/heartbeat", credB, "{\"sequence\":9,\"load\":0.5}"), "not valid");
    refused(401, t.http.post("/v1/tasks/bt/result", credB, "{\"token\":\"" + tokenB + "\",\"succeeded\":true}"),
        "not valid");
    assertEquals(before, snapshot());
    refused(404, t.http.delete("/v1/machines/b", t.adminToken), "no machine 'b'");
  }

  @Test
  void credentialsCarryAtLeast128RandomBitsAndOnlyTheirHashIsKept() {
    Credentials c = new Credentials(Secrets.newSecret(), Secrets.newSecret());
    String one = c.issue(MachineId.of("x"));
    String two = c.issue(MachineId.of("x"));
    assertNotEquals(one, two);
    byte[] secret = Base64.getUrlDecoder().decode(one.substring(one.lastIndexOf('.') + 1));
    assertTrue(secret.length * 8 >= 128, secret.length * 8 + " bits");
    assertTrue(c.authenticate(one).isEmpty(), "a replaced credential no longer works");
    assertEquals(new Credentials.MachinePrincipal(MachineId.of("x")), c.authenticate(two).orElseThrow());
    // No field of Credentials holds the credential's text.
    for (java.lang.reflect.Field f : Credentials.class.getDeclaredFields()) {
      assertTrue(java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType() != String.class, "field " + f.getName() + " would hold a secret in the clear");
    }
  }
}
