package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fleet.testing.FakeTicker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection budget, one rule at a time: a connection without a credential times out after the short idle
 * timeout while one that showed a machine credential or the client token keeps the normal one; over an address's
 * bound only that address's oldest connections are closed, and only those past the grace period; the bound on
 * all unauthenticated connections is hard; at the connection limit a machine's new connection is still served;
 * and the settings are checked.
 */
class ConnectionBudgetTest {
  private static final int TIMEOUT_MILLIS = 5_000;
  private final List<SocketHttp> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() throws IOException {
    for (SocketHttp s : sockets) {
      s.close();
    }
  }

  private SocketHttp connect(String from, int port) throws IOException {
    SocketHttp s = new SocketHttp(from, port, TIMEOUT_MILLIS);
    sockets.add(s);
    return s;
  }

  /** An idle connection without a credential: one ping answered, then nothing. */
  private SocketHttp idle(String from, int port) throws IOException {
    SocketHttp s = connect(from, port);
    assertEquals(200, s.ping().status());
    return s;
  }

  @Test
  void withoutCredentialTheShortIdleTimeoutWithOneTheNormal() throws Exception {
    try (TestCoordinator t = new TestCoordinator(b -> b.unauthenticatedIdleTimeout(Duration.ofMillis(300)),
        f -> { })) {
      int port = t.coordinator.port();
      SocketHttp machine = connect(null, port);
      String credential = field(machine.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(),
          "credential");
      assertEquals(200, machine.post("/v1/heartbeat", credential, "{\"sequence\":1,\"load\":0.1}").status());
      SocketHttp client = connect(null, port);
      assertEquals(200, client.get("/v1/machines", t.adminToken).status());
      SocketHttp joiner = connect(null, port);
      assertEquals(200, joiner.post("/v1/join", t.joinToken, machineJson("m2", "code")).status());
      SocketHttp anonymous = idle(null, port);

      long start = System.nanoTime();
      assertTrue(anonymous.closedByServer(), "a connection without a credential outlived the short idle timeout");
      long took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(took < 3_000, "closed after " + took + " ms, with an idle timeout of 300 ms");
      assertTrue(joiner.closedByServer(), "the join token is shared: it does not earn the normal idle timeout");

      // Both have been silent longer than the short timeout by now, and are still served.
      assertEquals(200, machine.post("/v1/heartbeat", credential, "{\"sequence\":2,\"load\":0.1}").status());
      assertEquals(200, client.get("/v1/machines", t.adminToken).status());
      assertEquals(0, t.coordinator.connectionsShed(), "idle timeouts are not shedding");
    }
  }

  @Test
  void overItsBoundAnAddressLosesItsOwnOldestConnectionsOnceTheyArePastTheGracePeriod() throws Exception {
    assumeTrue(loopbackAliases(), "needs 127.0.0.2 and 127.0.0.3 as local addresses (Linux has all of 127/8)");
    FakeTicker ticker = new FakeTicker();
    try (TestCoordinator t = new TestCoordinator(b -> b.ticker(ticker).unauthenticatedConnections(20, 3),
        f -> { })) {
      int port = t.coordinator.port();
      SocketHttp a1 = idle("127.0.0.2", port);
      SocketHttp a2 = idle("127.0.0.2", port);
      SocketHttp a3 = idle("127.0.0.2", port);
      SocketHttp b1 = idle("127.0.0.3", port);
      SocketHttp a4 = idle("127.0.0.2", port); // over the address's 3, but all of them are new: none is closed
      assertEquals(200, a1.ping().status());
      assertEquals(0, t.coordinator.connectionsShed());

      ticker.advance(Duration.ofSeconds(1));
      SocketHttp a5 = idle("127.0.0.2", port); // the newcomer is served; the two oldest of its address go
      assertTrue(a1.closedByServer(), "the oldest connection of the address over its bound");
      assertTrue(a2.closedByServer(), "the second oldest");
      for (SocketHttp kept : List.of(a3, a4, a5, b1)) {
        assertEquals(200, kept.ping().status());
      }
      assertEquals(2, t.coordinator.connectionsShed());
    }
  }

  @Test
  void theBoundOnAllUnauthenticatedConnectionsIsHardAndSparesThoseWithCredentials() throws Exception {
    assumeTrue(loopbackAliases(), "needs 127.0.0.2 to 127.0.0.6 as local addresses (Linux has all of 127/8)");
    FakeTicker ticker = new FakeTicker(); // frozen: every connection is within the grace period
    try (TestCoordinator t = new TestCoordinator(b -> b.ticker(ticker).unauthenticatedConnections(4, 4),
        f -> { })) {
      int port = t.coordinator.port();
      SocketHttp machine = connect(null, port);
      String credential = field(machine.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(),
          "credential");
      assertEquals(200, machine.post("/v1/heartbeat", credential, "{\"sequence\":1,\"load\":0.1}").status());
      List<SocketHttp> flood = new ArrayList<>();
      for (int i = 2; i <= 5; i++) {
        flood.add(idle("127.0.0." + i, port));
      }
      SocketHttp newcomer = idle("127.0.0.6", port);
      assertTrue(flood.get(0).closedByServer(), "the oldest unauthenticated connection, of another address");
      for (SocketHttp kept : List.of(flood.get(1), flood.get(2), flood.get(3), newcomer)) {
        assertEquals(200, kept.ping().status());
      }
      assertEquals(200, machine.post("/v1/heartbeat", credential, "{\"sequence\":2,\"load\":0.1}").status());
      assertEquals(1, t.coordinator.connectionsShed());
    }
  }

  @Test
  void atTheConnectionLimitAMachinesNewConnectionIsServed() throws Exception {
    try (TestCoordinator t = new TestCoordinator(b -> b.maxConnections(6).unauthenticatedConnections(4, 4),
        f -> { })) {
      int port = t.coordinator.port();
      SocketHttp m1 = connect(null, port);
      String credential = field(m1.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(), "credential");
      assertEquals(200, m1.post("/v1/heartbeat", credential, "{\"sequence\":1,\"load\":0}").status());
      SocketHttp m2 = connect(null, port);
      assertEquals(200, m2.post("/v1/heartbeat", credential, "{\"sequence\":2,\"load\":0}").status());
      List<SocketHttp> flood = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        flood.add(idle(null, port)); // the fourth reaches the limit of 6: the first makes room
      }
      SocketHttp late = connect(null, port); // at the limit again: the second makes room
      assertEquals(200, late.post("/v1/heartbeat", credential, "{\"sequence\":3,\"load\":0}").status(),
          "a machine's new connection at the connection limit");
      assertEquals(200, m1.post("/v1/heartbeat", credential, "{\"sequence\":4,\"load\":0}").status());
      assertEquals(200, m2.post("/v1/heartbeat", credential, "{\"sequence\":5,\"load\":0}").status());
      assertTrue(flood.get(0).closedByServer(), "the oldest connection without a credential");
      assertTrue(flood.get(1).closedByServer(), "the next oldest");
      assertEquals(200, flood.get(2).ping().status());
      assertEquals(200, flood.get(3).ping().status());
      assertEquals(2, t.coordinator.connectionsShed());
    }
  }

  @Test
  void settingsAreCheckedAndNamed() {
    HttpCoordinatorBuilder b = HttpCoordinator.newBuilder().joinToken(HttpCoordinator.newSecret())
        .adminToken(HttpCoordinator.newSecret());
    IllegalStateException noRoom = assertThrows(IllegalStateException.class,
        () -> b.maxConnections(100).unauthenticatedConnections(100, 10).build());
    assertTrue(noRoom.getMessage().contains("maxUnauthenticatedConnections (100) must be below maxConnections (100)"),
        noRoom.getMessage());
    IllegalArgumentException perAddress = assertThrows(IllegalArgumentException.class,
        () -> b.maxConnections(100).unauthenticatedConnections(10, 20).build());
    assertTrue(perAddress.getMessage().contains("maxUnauthenticatedPerAddress (20)"), perAddress.getMessage());
    IllegalStateException longer = assertThrows(IllegalStateException.class, () -> b.maxConnections(100)
        .unauthenticatedConnections(50, 10).unauthenticatedIdleTimeout(Duration.ofMinutes(2)).build());
    assertTrue(longer.getMessage().contains("unauthenticatedIdleTimeout PT2M must not exceed idleTimeout PT1M"),
        longer.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> b.unauthenticatedIdleTimeout(Duration.ZERO));
    assertEquals("unauthenticatedIdleTimeout must be positive, got PT0S", zero.getMessage());
    IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> b.maxConnections(1));
    assertEquals("maxConnections must be >= 2, got 1", one.getMessage());
    // Left to their defaults, the bounds follow maxConnections: half of it, at most 64 per address.
    HttpCoordinator.newBuilder().joinToken(HttpCoordinator.newSecret()).adminToken(HttpCoordinator.newSecret())
        .maxConnections(10).build();
  }

  /** Whether this system lets a socket bind 127.0.0.2 to 127.0.0.6 (Linux does; macOS only with aliases). */
  private static boolean loopbackAliases() {
    for (int i = 2; i <= 6; i++) {
      try (Socket s = new Socket()) {
        s.bind(new InetSocketAddress("127.0.0." + i, 0));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
