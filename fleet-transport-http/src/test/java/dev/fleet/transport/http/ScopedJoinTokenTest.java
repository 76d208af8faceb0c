package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Fleet;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.TaskResult;
import dev.fleet.core.Fleets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Scoped join tokens over real HTTP on loopback: a token limited to a role, capabilities and a machine id
 * pattern refuses (or holds for approval) a claim beyond its scope, the operator approves a held one, an agent
 * waiting for approval says so once and joins when approved, and the tokens outlive a restart.
 */
class ScopedJoinTokenTest {
  private static final Duration LIMIT = Duration.ofSeconds(15);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private TestCoordinator coordinator() {
    TestCoordinator t = new TestCoordinator();
    open.add(t);
    return t;
  }

  static String machine(String id, String role, String... caps) {
    return "{\"machine\":{\"id\":\"" + id + "\",\"hostname\":\"" + id + ".local\",\"role\":\"" + role
        + "\",\"capabilities\":[" + String.join(",", java.util.Arrays.stream(caps).map(c -> "\"" + c + "\"").toList())
        + "]}}";
  }

  private static String withKey(String join, String key) {
    return join.substring(0, join.length() - 1) + ",\"joinKey\":\"" + key + "\"}";
  }

  /** Makes a scoped token through the API; returns its secret. */
  static String create(RawHttp http, String admin, String body) {
    RawHttp.Reply r = http.post("/v1/join-tokens", admin, body);
    assertEquals(200, r.status(), r.body());
    return field(r.body(), "joinToken");
  }

  private static void refused(RawHttp.Reply r, String mentions) {
    assertEquals(403, r.status(), r.body());
    assertTrue(r.isProblem() && r.body().contains("beyond-scope") && r.body().contains(mentions), r.body());
  }

  @Test
  void aScopedTokenRefusesAnIdARoleOrACapabilityBeyondItsScope() {
    TestCoordinator t = coordinator();
    String laptops = create(t.http, t.adminToken, "{\"name\":\"laptops\",\"role\":\"laptop\",\"capabilities\":"
        + "[\"code\"],\"idPattern\":\"laptop-*\",\"beyond\":\"refuse\"}");
    refused(t.http.post("/v1/join", laptops, machine("desk-1", "laptop", "code")), "id 'desk-1'");
    refused(t.http.post("/v1/join", laptops, machine("laptop-1", "server", "code")), "role 'server'");
    refused(t.http.post("/v1/join", laptops, machine("laptop-1", "laptop", "code", "gpu")), "capability 'gpu'");
    assertEquals(0, t.fleet.registry().size(), "nothing refused was registered");
    assertEquals("[]", t.http.get("/v1/approvals", t.adminToken).body(), "and nothing is held");

    RawHttp.Reply ok = t.http.post("/v1/join", laptops, machine("laptop-1", "laptop", "code"));
    assertEquals(200, ok.status(), ok.body());
    String cred = field(ok.body(), "credential");
    refused(t.http.post("/v1/join", cred, machine("laptop-1", "laptop", "code", "gpu")), "capability 'gpu'");
    assertEquals(Set.of("code"), t.fleet.registry().get(MachineId.of("laptop-1")).orElseThrow().machine()
        .capabilities(), "a change beyond the scope is refused after joining too");

    RawHttp.Reply list = t.http.get("/v1/join-tokens", t.adminToken);
    assertEquals(200, list.status(), list.body());
    assertTrue(list.body().contains("\"name\":\"laptops\"") && list.body().contains("\"idPattern\":\"laptop-*\"")
        && list.body().contains("\"machines\":1"), list.body());
    assertFalse(list.body().contains(laptops), "the listing holds no secret");

    RawHttp.Reply fleetToken = t.http.post("/v1/join", t.joinToken, machine("desk-1", "server", "gpu"));
    assertEquals(200, fleetToken.status(), "the fleet's own token is not scoped: " + fleetToken.body());

    assertEquals(200, t.http.delete("/v1/join-tokens/laptops", t.adminToken).status());
    assertEquals(401, t.http.post("/v1/join", laptops, machine("laptop-2", "laptop", "code")).status());
    assertEquals(404, t.http.delete("/v1/join-tokens/laptops", t.adminToken).status());
    assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":0,\"load\":0}").status(),
        "a machine of a revoked token keeps its credential");
  }

  @Test
  void badScopesAreRefusedAndOnlyTheClientTokenMakesThem() {
    TestCoordinator t = coordinator();
    for (String bad : List.of("{}", "{\"name\":\"x y\"}", "{\"name\":\"a\",\"beyond\":\"accept\"}",
        "{\"name\":\"a\",\"beyond\":\"maybe\"}", "{\"name\":\"a\",\"idPattern\":\"a/b\"}",
        "{\"name\":\"a\",\"capabilities\":[\"\"]}", "{\"name\":\"a\",\"colour\":\"red\"}")) {
      RawHttp.Reply r = t.http.post("/v1/join-tokens", t.adminToken, bad);
      assertEquals(400, r.status(), bad + " -> " + r.body());
    }
    assertEquals("[]", t.http.get("/v1/join-tokens", t.adminToken).body());
    assertEquals(403, t.http.post("/v1/join-tokens", t.joinToken, "{\"name\":\"a\"}").status());
    create(t.http, t.adminToken, "{\"name\":\"a\"}");
    RawHttp.Reply twice = t.http.post("/v1/join-tokens", t.adminToken, "{\"name\":\"a\"}");
    assertEquals(409, twice.status(), twice.body());
    String scoped = create(t.http, t.adminToken, "{\"name\":\"b\"}");
    assertEquals(403, t.http.get("/v1/join-tokens", scoped).status(), "a join token cannot list tokens");
  }

  @Test
  void aHeldJoinWaitsForApprovalAndOnlyItsAgentMayJoinOnceApproved() {
    TestCoordinator t = coordinator();
    String token = create(t.http, t.adminToken, "{\"name\":\"laptops\",\"capabilities\":[\"code\"],"
        + "\"idPattern\":\"laptop-*\",\"beyond\":\"hold\"}");
    String key = HttpCoordinator.newSecret();
    String claim = withKey(machine("laptop-3", "worker", "code", "gpu"), key);
    RawHttp.Reply held = t.http.post("/v1/join", token, claim);
    assertEquals(403, held.status(), held.body());
    assertTrue(held.body().contains("held-for-approval") && held.body().contains("fleet approve laptop-3")
        && held.body().contains("capability 'gpu'"), held.body());
    assertTrue(t.fleet.registry().get(MachineId.of("laptop-3")).isEmpty(), "a held machine is not registered");
    RawHttp.Reply other = t.http.post("/v1/join", token, withKey(machine("laptop-3", "worker", "gpu"),
        HttpCoordinator.newSecret()));
    assertEquals(409, other.status(), "another agent cannot take the claim's place: " + other.body());
    RawHttp.Reply list = t.http.get("/v1/approvals", t.adminToken);
    assertTrue(list.body().contains("\"machine\":\"laptop-3\"") && list.body().contains("\"token\":\"laptops\"")
        && list.body().contains("\"known\":false") && list.body().contains("\"address\":\"127.0.0.1\""),
        list.body());
    assertEquals(403, t.http.post("/v1/join", token, claim).status(), "still held when asked again");

    RawHttp.Reply approved = t.http.post("/v1/approvals/laptop-3", t.adminToken, "");
    assertEquals(200, approved.status(), approved.body());
    assertTrue(approved.body().contains("\"state\":\"approved\""), approved.body());
    assertEquals(409, t.http.post("/v1/join", token, withKey(machine("laptop-3", "worker", "code", "gpu"),
        HttpCoordinator.newSecret())).status(), "the approval is for the agent that asked");
    RawHttp.Reply joined = t.http.post("/v1/join", token, claim);
    assertEquals(200, joined.status(), joined.body());
    assertEquals(Set.of("code", "gpu"), t.fleet.registry().get(MachineId.of("laptop-3")).orElseThrow().machine()
        .capabilities());
    assertEquals("[]", t.http.get("/v1/approvals", t.adminToken).body());
  }

  @Test
  void anAgentHeldForApprovalSaysSoOnceAndJoinsWhenApproved() {
    TestCoordinator t = coordinator();
    String token = create(t.http, t.adminToken, "{\"name\":\"laptops\",\"capabilities\":[\"code\"],"
        + "\"beyond\":\"hold\"}");
    try (AgentLog log = new AgentLog()) {
      HttpAgent agent = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of("laptop-4", "laptop-4.local", "worker",
          List.of("code", "gpu"))).joinToken(token).handler(ctx -> TaskResult.success(dev.fleet.Payload.EMPTY))
          .backoff(Duration.ofMillis(20), Duration.ofMillis(50)).build();
      open.add(agent);
      agent.start();
      Await.until(LIMIT, () -> !log.matching("WARNING", "held for approval").isEmpty(), () -> "held: " + log.lines);
      Await.until(LIMIT, () -> log.lines.stream().filter(l -> l.contains("held for approval")).count() >= 3,
          () -> "it keeps asking: " + log.lines);
      assertEquals(1, log.matching("WARNING", "held for approval").size(), "said once: " + log.lines);
      assertTrue(log.matching("WARNING", "held for approval").get(0).contains("fleet approve laptop-4"), log.lines
          .toString());
      assertTrue(agent.state() == HttpAgent.State.JOINING, "waiting, not refused: " + agent.state());
      assertEquals(200, t.http.post("/v1/approvals/laptop-4", t.adminToken, "").status());
      Await.until(LIMIT, () -> agent.state() == HttpAgent.State.CONNECTED, () -> "joined: " + agent.state());
      assertEquals(Set.of("code", "gpu"), t.fleet.registry().get(MachineId.of("laptop-4")).orElseThrow().machine()
          .capabilities());
    }
  }

  @Test
  void scopedTokensAndWhichMachineJoinedWithWhichOutliveARestart() {
    String join = HttpCoordinator.newSecret();
    String admin = HttpCoordinator.newSecret();
    List<byte[]> journal = new CopyOnWriteArrayList<>();
    RawHttp before = start(join, admin, List.of(), journal);
    String laptops = create(before, admin, "{\"name\":\"laptops\",\"capabilities\":[\"code\"],"
        + "\"idPattern\":\"laptop-*\"}");
    String gone = create(before, admin, "{\"name\":\"gone\"}");
    assertEquals(200, before.delete("/v1/join-tokens/gone", admin).status());
    RawHttp.Reply joined = before.post("/v1/join", laptops, machine("laptop-1", "worker", "code"));
    assertEquals(200, joined.status(), joined.body());
    String cred = field(joined.body(), "credential");

    for (int round = 0; round < 2; round++) {
      List<byte[]> records = new ArrayList<>(journal);
      if (round == 1) { // a snapshot recreates the same state
        HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(join).adminToken(admin).build();
        journal.forEach(c::replay);
        records.clear();
        c.snapshot(records::add);
      }
      RawHttp after = start(join, admin, records, new CopyOnWriteArrayList<>());
      refused(after.post("/v1/join", laptops, machine("desk-9", "worker", "code")), "id 'desk-9'");
      assertEquals(401, after.post("/v1/join", gone, machine("x", "worker")).status(), "revoked stays revoked");
      refused(after.post("/v1/join", cred, machine("laptop-1", "worker", "code", "gpu")), "join token 'laptops'");
      RawHttp.Reply list = after.get("/v1/join-tokens", admin);
      assertTrue(list.body().contains("\"name\":\"laptops\"") && list.body().contains("\"machines\":1")
          && !list.body().contains("\"gone\""), list.body());
    }
  }

  /** A coordinator whose records go to {@code journal}, after replaying {@code replay}, as a restart does. */
  private RawHttp start(String join, String admin, List<byte[]> replay, List<byte[]> journal) {
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(join).adminToken(admin).rateLimit(100_000, 100_000)
        .build();
    Fleet fleet = Fleets.newBuilder().transport(c).build();
    open.add(fleet);
    c.attach(journal::add);
    replay.forEach(c::replay);
    c.start(fleet);
    open.add(c);
    return new RawHttp(c.uri());
  }
}
