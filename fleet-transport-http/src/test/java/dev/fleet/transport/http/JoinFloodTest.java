package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.TaskResult;
import dev.fleet.core.Fleets;
import dev.fleet.testing.FakeTicker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Finding 2 of issue #12: a join-token holder flooding the fleet with machines meets a rate limit per address and
 * per token; machines never heard from after joining, or silent too long, are pruned and lose their credential,
 * so a real machine gets in; a pruned machine's agent joins afresh.
 */
class JoinFloodTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  /** An answer read off a socket. */
  private record Answer(int status, String raw) {
    String header(String name) {
      Matcher m = Pattern.compile("(?im)^" + name + ":\\s*(.*)$").matcher(raw.substring(0, Math.max(0,
          raw.indexOf("\r\n\r\n"))));
      return m.find() ? m.group(1).trim() : null;
    }

    String body() {
      int end = raw.indexOf("\r\n\r\n");
      return end < 0 ? "" : raw.substring(end + 4);
    }
  }

  /** POSTs JSON from the loopback address {@code from} (any of 127.0.0.0/8), so each can be another caller. */
  private static Answer post(int port, String from, String path, String bearer, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(from, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(10_000);
      String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bearer
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          out.write(buf, 0, n);
        }
      } catch (SocketException e) {
        // reset after the answer: what came is what counts
      }
      String raw = out.toString(StandardCharsets.UTF_8);
      Matcher status = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(raw);
      return new Answer(status.find() ? Integer.parseInt(status.group(1)) : -1, raw);
    }
  }

  @Test
  void aJoinFloodMeets429AfterTheBurstOfItsAddressThenOfItsTokenWhileReconnectsGoOn() throws Exception {
    FakeTicker ticker = new FakeTicker(5_000_000_000L);
    String join = HttpCoordinator.newSecret();
    HttpCoordinator c = HttpCoordinator.newBuilder().joinToken(join).adminToken(HttpCoordinator.newSecret())
        .ticker(ticker).rateLimit(100_000, 100_000).joinRateLimitPerAddress(1, 3).joinRateLimitPerToken(1, 6).build();
    try (Fleet fleet = Fleets.newBuilder().ticker(ticker).transport(c).build()) {
      c.start(fleet);
      int port = c.port();
      String first = null;
      for (int i = 0; i < 3; i++) {
        Answer a = post(port, "127.0.0.1", "/v1/join", join, machineJson("junk-" + i, "x"));
        assertEquals(200, a.status(), a.raw());
        first = first == null ? field(a.body(), "credential") : first;
      }
      Answer flooded = post(port, "127.0.0.1", "/v1/join", join, machineJson("junk-3", "x"));
      assertEquals(429, flooded.status(), flooded.raw());
      assertTrue(flooded.header("Content-Type").startsWith("application/problem+json"), flooded.raw());
      assertTrue(flooded.body().contains("\"type\":\"urn:dev.fleet:problem:join-rate-limited\""), flooded.raw());
      assertTrue(flooded.body().contains("too many joins from address 127.0.0.1: at most 1 per second (bursts of 3, "
          + "joinRateLimitPerAddress)"), flooded.raw());
      assertEquals("1", flooded.header("Retry-After"), flooded.raw());
      assertEquals(3, fleet.registry().size(), "the refused join registered nothing");

      // Another address still joins: the flood spent its own address's budget first.
      assertEquals(200, post(port, "127.0.0.2", "/v1/join", join, machineJson("real", "x")).status());
      // A machine that joined reconnects with its credential, from the flooding address too: not a new machine.
      Answer reconnect = post(port, "127.0.0.1", "/v1/join", first, machineJson("junk-0", "x"));
      assertEquals(200, reconnect.status(), reconnect.raw());
      assertTrue(reconnect.body().contains("\"reconnected\":true"), reconnect.raw());

      // Many addresses with the one token meet the token's own limit.
      assertEquals(200, post(port, "127.0.0.3", "/v1/join", join, machineJson("other-3", "x")).status());
      assertEquals(200, post(port, "127.0.0.4", "/v1/join", join, machineJson("other-4", "x")).status());
      Answer token = post(port, "127.0.0.5", "/v1/join", join, machineJson("other-5", "x"));
      assertEquals(429, token.status(), token.raw());
      assertTrue(token.body().contains("too many joins with this join token: at most 1 per second (bursts of 6, "
          + "joinRateLimitPerToken)"), token.raw());
      assertEquals(6, fleet.registry().size());

      ticker.advance(Duration.ofSeconds(1));
      assertEquals(200, post(port, "127.0.0.1", "/v1/join", join, machineJson("junk-3", "x")).status(),
          "a second later both buckets hold a join again");
    } finally {
      c.close();
    }
  }

  @Test
  void junkThatNeverHeartbeatsIsPrunedItsCredentialRevokedAndARealMachineThenJoins() throws Exception {
    try (TestCoordinator t = new TestCoordinator(b -> b.maxMachines(4), f -> TestCoordinator.fastHeartbeats()
        .accept(f.pruneNeverHeardAfter(Duration.ofSeconds(3))))) {
      List<String> junk = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 4; i++) {
        junk.add(field(t.http.post("/v1/join", t.joinToken, machineJson("junk-" + i, "x")).body(), "credential"));
      }
      RawHttp.Reply full = t.http.post("/v1/join", t.joinToken, machineJson("real", "x"));
      assertEquals(409, full.status(), full.body());
      assertTrue(full.body().contains("urn:dev.fleet:problem:fleet-full"), full.body());
      assertTrue(full.body().contains("the fleet has 4 machines, the most allowed (4)"), full.body());
      assertTrue(full.body().contains("`fleet rm MACHINE`"), full.body());
      assertTrue(full.body().contains("the fleet prunes machines never heard from 3s after joining "
          + "(--prune-never-heard-after); the other rule is off"), full.body());
      assertTrue(full.body().contains("`fleet coordinator --max-machines N`"), full.body());

      Await.until(LIMIT, () -> t.fleet.registry().size() == 0, () -> "pruned: " + t.fleet.registry().list());
      List<FleetEvent.HealthChanged> pruned = t.events.stream().filter(FleetEvent.HealthChanged.class::isInstance)
          .map(FleetEvent.HealthChanged.class::cast).filter(e -> e.to() == Health.LEFT).toList();
      assertEquals(4, pruned.size(), pruned::toString);
      assertTrue(pruned.get(0).reason().startsWith("pruned: never heard from in the 3s since it registered"),
          pruned.get(0).reason());

      RawHttp.Reply real = t.http.post("/v1/join", t.joinToken, machineJson("real", "x"));
      assertEquals(200, real.status(), real.body());
      Await.until(LIMIT, () -> junk.stream().allMatch(cred -> t.http.post("/v1/heartbeat", cred,
          "{\"sequence\":1,\"load\":0.1}").status() == 401), () -> "the pruned machines' credentials are revoked");
      RawHttp.Reply again = t.http.post("/v1/join", junk.get(0), machineJson("junk-0", "x"));
      assertEquals(401, again.status(), again.body());
      assertEquals(List.of(MachineId.of("real")), t.fleet.registry().list().stream().map(s -> s.id()).toList());
    }
  }

  @Test
  void aPrunedMachinesAgentJoinsAfreshWithTheJoinTokenAndWorksOn() {
    try (TestCoordinator t = new TestCoordinator(b -> { }, f -> TestCoordinator.fastHeartbeats()
        .accept(f.pruneOfflineAfter(Duration.ofSeconds(2))));
        AgentLog log = new AgentLog()) {
      AtomicBoolean away = new AtomicBoolean();
      List<String> credentials = new CopyOnWriteArrayList<>();
      HttpAgent agent = HttpAgent.newBuilder(t.coordinator.uri(), Machine.of("a", "a.local", "worker", List.of("x")))
          .joinToken(t.joinToken).handler(ctx -> TaskResult.success()).asleepWhile(away::get)
          .onCredential(credentials::add).backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
      try (agent) {
        agent.start();
        MachineId a = MachineId.of("a");
        Await.until(LIMIT, () -> agent.state() == HttpAgent.State.CONNECTED
            && t.fleet.registry().get(a).map(s -> s.health() == Health.ONLINE).orElse(false), () -> "joined: " + agent);
        String first = agent.credential().orElseThrow();
        away.set(true); // no heartbeats: pruned after 2 s of silence
        // The hold makes the agent confirm the sleep to the coordinator, so the machine is pruned as asleep (or, if
        // the confirmation is late, as offline): either way pruned.
        Await.until(LIMIT, () -> t.events.stream().anyMatch(e -> e instanceof FleetEvent.HealthChanged h
            && h.to() == Health.LEFT && h.reason().matches("pruned: (offline|asleep) and silent for.*")),
            t.events::toString);
        away.set(false);
        Await.until(LIMIT, () -> agent.state() == HttpAgent.State.CONNECTED
            && !agent.credential().orElse(first).equals(first)
            && t.fleet.registry().get(a).map(s -> s.health() == Health.ONLINE).orElse(false),
            () -> "joined afresh: " + agent + " " + log.lines);
        assertEquals(2, credentials.size(), "the new credential was handed over to be kept: " + credentials);
        assertNotEquals(first, credentials.get(1));
        assertEquals(401, t.http.post("/v1/heartbeat", first, "{\"sequence\":99,\"load\":0.1}").status(),
            "the pruned credential stays revoked");
        assertTrue(agent.refusal().isEmpty(), () -> "never refused: " + agent.refusal());
        assertTrue(log.lines.stream().anyMatch(l -> l.contains("joining with the join token")), log.lines::toString);
      }
    }
  }
}
