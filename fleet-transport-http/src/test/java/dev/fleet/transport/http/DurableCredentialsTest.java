package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Fleet;
import dev.fleet.core.Fleets;
import dev.fleet.spi.JournalException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's security state as a durable part: what it journals, that a change is journaled before the
 * answer that reveals it, and that a coordinator replaying the records (a restart) keeps credentials, rotations,
 * revocations and removals.
 */
class DurableCredentialsTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private final String configuredJoin = HttpCoordinator.newSecret();
  private final String admin = HttpCoordinator.newSecret();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** A coordinator whose records go to {@code journal}, after replaying {@code replay}; started on a free port. */
  private RawHttp start(List<byte[]> replay, List<byte[]> journal) {
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(configuredJoin).adminToken(admin)
        .rateLimit(100_000, 100_000).build();
    Fleet fleet = Fleets.newBuilder().transport(c).build();
    open.add(fleet);
    // As the fleet's journal wiring does: attach, then replay what was journaled.
    c.attach(journal::add);
    replay.forEach(c::replay);
    c.start(fleet);
    open.add(c);
    return new RawHttp(c.uri());
  }

  private static String join(RawHttp http, String token, String id, String joinKey) {
    String body = "{\"machine\":{\"id\":\"" + id + "\",\"hostname\":\"h\",\"role\":\"worker\",\"capabilities\":[]}"
        + (joinKey == null ? "" : ",\"joinKey\":\"" + joinKey + "\"") + "}";
    RawHttp.Reply r = http.post("/v1/join", token, body);
    return r.status() == 200 ? CoordinatorApiTest.field(r.body(), "credential") : "status " + r.status();
  }

  @Test
  void credentialsRotationsRevocationsAndRemovalsHoldAcrossARestart() {
    List<byte[]> journal = new CopyOnWriteArrayList<>();
    RawHttp before = start(List.of(), journal);
    String m1 = join(before, configuredJoin, "m1", null);
    String m2 = join(before, configuredJoin, "m2", null);
    assertTrue(m1.startsWith("m.m1."), m1);
    RawHttp.Reply rotated = before.post("/v1/join-token", admin, "");
    assertEquals(200, rotated.status(), rotated.body());
    String newJoin = CoordinatorApiTest.field(rotated.body(), "joinToken");
    assertEquals(200, before.delete("/v1/machines/m2", admin).status());
    assertEquals(4, journal.size(), "two credentials, a rotation, a removal");

    RawHttp after = start(journal, new CopyOnWriteArrayList<>());
    assertEquals("status 401", join(after, configuredJoin, "m9", null), "the configured token was rotated away");
    assertEquals(200, after.post("/v1/join", m1, CoordinatorApiTest.machineJson("m1")).status(),
        "m1 reconnects with its credential");
    assertEquals(409, after.post("/v1/join", newJoin, CoordinatorApiTest.machineJson("m1")).status(),
        "a known machine id cannot be claimed with the join token");
    assertEquals(401, after.post("/v1/join", m2, CoordinatorApiTest.machineJson("m2")).status(),
        "the removed machine's credential stays revoked");
    assertTrue(join(after, newJoin, "m2", null).startsWith("m.m2."), "a removed machine may join afresh");
  }

  @Test
  void aRevokedJoinTokenStaysRevokedAndSnapshotsRecreateTheState() {
    List<byte[]> journal = new CopyOnWriteArrayList<>();
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(configuredJoin).adminToken(admin).build();
    c.attach(journal::add);
    c.revokeJoinToken();
    assertTrue(c.joinTokenRevoked());
    List<byte[]> snapshot = new ArrayList<>();
    c.snapshot(snapshot::add);

    for (List<byte[]> records : List.of(journal, snapshot)) {
      HttpCoordinator again = HttpCoordinator.newBuilder().joinToken(configuredJoin).adminToken(admin).build();
      records.forEach(again::replay);
      records.forEach(again::replay); // records are "set" statements: applying them twice changes nothing
      assertTrue(again.joinTokenRevoked(), "revoked after replaying " + records.size() + " records");
      assertFalse(again.acceptsJoinToken(configuredJoin));
    }

    HttpCoordinator fresh = HttpCoordinator.newBuilder().joinToken(configuredJoin).adminToken(admin).build();
    List<byte[]> none = new ArrayList<>();
    fresh.snapshot(none::add);
    assertEquals(List.of(), none, "a never-rotated token is the configuration's, not the journal's");
    assertTrue(fresh.acceptsJoinToken(configuredJoin));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> fresh.replay(new byte[] {9, 1}));
    assertTrue(bad.getMessage().contains("version 9"), bad.getMessage());
  }

  @Test
  void nothingIsAnsweredBeforeItIsDurable() {
    List<byte[]> journal = new CopyOnWriteArrayList<>();
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(configuredJoin).adminToken(admin).build();
    Fleet fleet = Fleets.newBuilder().transport(c).build();
    open.add(fleet);
    c.attach(record -> {
      throw new JournalException("disk full (test)");
    });
    c.start(fleet);
    open.add(c);
    RawHttp http = new RawHttp(c.uri());
    RawHttp.Reply join = http.post("/v1/join", configuredJoin, CoordinatorApiTest.machineJson("m1"));
    assertEquals(503, join.status(), join.body());
    assertTrue(join.isProblem() && join.body().contains("disk full"), join.body());
    RawHttp.Reply rotate = http.post("/v1/join-token", admin, "");
    assertEquals(503, rotate.status(), rotate.body());
    assertTrue(c.acceptsJoinToken(configuredJoin), "the rotation did not take effect");
    assertTrue(journal.isEmpty());
  }

  @Test
  void anAgentThatLostItsJoinAnswerRetriesWithItsJoinKeyAndNobodyElseMay() {
    RawHttp http = start(List.of(), new CopyOnWriteArrayList<>());
    String key = HttpCoordinator.newSecret();
    String first = join(http, configuredJoin, "m1", key);
    String again = join(http, configuredJoin, "m1", key);
    assertTrue(again.startsWith("m.m1."), again);
    assertNotEquals(first, again, "a fresh credential replaces the one whose answer was lost");
    assertEquals(401, http.post("/v1/heartbeat", first, "{\"sequence\":0,\"load\":0}").status());
    assertEquals(200, http.post("/v1/heartbeat", again, "{\"sequence\":0,\"load\":0}").status());
    assertEquals("status 409", join(http, configuredJoin, "m1", HttpCoordinator.newSecret()));
    assertEquals("status 409", join(http, configuredJoin, "m1", null));
    assertEquals("status 400", join(http, configuredJoin, "m2", "short"));
  }
}
