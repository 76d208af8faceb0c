package dev.fleet.transport.http;

import dev.fleet.transport.http.model.ClaimPolicy;
import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.MachineId;
import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #12 finding 4: a machine that joined with the fleet's join token re-joined claiming a capability it was
 * never approved for, and was handed a task (with its payload) meant for machines with that capability. Now the
 * first join is trusted as it is, and a later claim of more is held for approval (or refused, or accepted, as
 * the coordinator is told).
 */
class CapabilityClaimTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);
  private final TestCoordinator t = new TestCoordinator();

  @AfterEach
  void stop() {
    t.close();
  }

  private String joinAndBeat(String id, String... caps) {
    RawHttp.Reply join = t.http.post("/v1/join", t.joinToken, machineJson(id, caps));
    assertEquals(200, join.status(), join.body());
    String cred = field(join.body(), "credential");
    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":0,\"load\":0.0}").status());
    return cred;
  }

  private Set<String> capabilities(String id) {
    return t.fleet.registry().get(MachineId.of(id)).orElseThrow().machine().capabilities();
  }

  private TaskState state(String task) {
    return t.fleet.dispatcher().status(TaskId.of(task)).orElseThrow().state();
  }

  @Test
  void aMachineClaimingACapabilityItWasNotApprovedForIsHeldAndGetsNoTaskNeedingIt() {
    String cred = joinAndBeat("a", "code");
    t.fleet.dispatcher().submit(Task.newBuilder("secret").requires("gpu")
        .payload(Payload.text("meant for gpu machines only", "text/plain")).build());
    assertEquals(TaskState.QUEUED, state("secret"));

    RawHttp.Reply rejoin = t.http.post("/v1/join", cred, machineJson("a", "code", "gpu"));
    assertEquals(200, rejoin.status(), rejoin.body());
    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":1,\"load\":0.0}").status());
    RawHttp.Reply poll = t.http.get("/v1/assignments?ack=0&waitMillis=300", cred);
    assertEquals(200, poll.status(), poll.body());
    assertFalse(poll.body().contains("meant for gpu"), "no payload of the gpu task reached it: " + poll.body());
    assertEquals(TaskState.QUEUED, state("secret"));
    assertEquals(Set.of("code"), capabilities("a"), "it keeps what it was approved with");
    assertTrue(rejoin.body().contains("capability 'gpu'") && rejoin.body().contains("fleet approve a"),
        "the agent is told what is held and how to approve it: " + rejoin.body());

    RawHttp.Reply held = t.http.get("/v1/approvals", t.adminToken);
    assertEquals(200, held.status(), held.body());
    assertTrue(held.body().contains("\"machine\":\"a\"") && held.body().contains("\"known\":true")
        && held.body().contains("capability 'gpu'") && held.body().contains("\"state\":\"held\""), held.body());

    RawHttp.Reply approved = t.http.post("/v1/approvals/a", t.adminToken, "");
    assertEquals(200, approved.status(), approved.body());
    assertEquals(Set.of("code", "gpu"), capabilities("a"));
    Await.until(LIMIT, () -> state("secret") != TaskState.QUEUED, () -> "the gpu task goes to a once approved");
    assertEquals(MachineId.of("a"), t.fleet.dispatcher().status(TaskId.of("secret")).orElseThrow().machine()
        .orElseThrow());
    assertEquals("[]", t.http.get("/v1/approvals", t.adminToken).body(), "nothing waits any more");
    RawHttp.Reply again = t.http.post("/v1/join", cred, machineJson("a", "code", "gpu"));
    assertFalse(again.body().contains("\"held\":\""), "the approved claim is not held again: " + again.body());
  }

  @Test
  void aChangedRoleIsHeldTooAndFewerCapabilitiesAreNot() {
    String cred = joinAndBeat("a", "code", "social");
    RawHttp.Reply fewer = t.http.post("/v1/join", cred, machineJson("a", "code"));
    assertEquals(200, fewer.status(), fewer.body());
    assertFalse(fewer.body().contains("\"held\":\""), fewer.body());
    assertEquals(Set.of("code"), capabilities("a"));
    String asPrimary = machineJson("a", "code").replace("\"role\":\"worker\"", "\"role\":\"primary\"");
    RawHttp.Reply role = t.http.post("/v1/join", cred, asPrimary);
    assertEquals(200, role.status(), role.body());
    assertTrue(role.body().contains("role 'primary'"), role.body());
    assertEquals("worker", t.fleet.registry().get(MachineId.of("a")).orElseThrow().machine().role());
  }

  @Test
  void theCoordinatorMayRefuseOrAcceptCapabilityChangesInstead() {
    String cred = joinAndBeat("a", "code");
    t.coordinator.capabilityChanges(ClaimPolicy.REFUSE);
    RawHttp.Reply refused = t.http.post("/v1/join", cred, machineJson("a", "code", "gpu"));
    assertEquals(403, refused.status(), refused.body());
    assertTrue(refused.isProblem() && refused.body().contains("beyond-scope")
        && refused.body().contains("capability 'gpu'"), refused.body());
    assertEquals(Set.of("code"), capabilities("a"));
    assertEquals("[]", t.http.get("/v1/approvals", t.adminToken).body(), "a refusal holds nothing");

    t.coordinator.capabilityChanges(ClaimPolicy.ACCEPT);
    assertEquals(200, t.http.post("/v1/join", cred, machineJson("a", "code", "gpu")).status());
    assertEquals(Set.of("code", "gpu"), capabilities("a"), "as before scopes existed");
  }

  @Test
  void aFirstJoinWithTheFleetsTokenIsTrustedAsItIs() {
    joinAndBeat("fresh", "code", "gpu", "social");
    assertEquals(Set.of("code", "gpu", "social"), capabilities("fresh"));
  }

  @Test
  void approvingWhatNoOneClaimedIsA404AndAClaimCanBeDismissed() {
    RawHttp.Reply none = t.http.post("/v1/approvals/nobody", t.adminToken, "");
    assertEquals(404, none.status(), none.body());
    assertTrue(none.body().contains("no-claim"), none.body());
    String cred = joinAndBeat("a", "code");
    t.http.post("/v1/join", cred, machineJson("a", "code", "gpu"));
    assertEquals(400, t.http.post("/v1/approvals/a", t.adminToken, "{\"really\":true}").status(),
        "approve takes no parameters");
    assertEquals(403, t.http.post("/v1/approvals/a", cred, "").status(), "only the client token approves");
    assertEquals(200, t.http.delete("/v1/approvals/a", t.adminToken).status());
    assertEquals(404, t.http.post("/v1/approvals/a", t.adminToken, "").status());
    assertEquals(Set.of("code"), capabilities("a"));
  }
}
