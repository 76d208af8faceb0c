package dev.fleet.cli;

import static dev.fleet.cli.CoordinatorGroup.CLIENT_TOKEN;
import static dev.fleet.cli.CoordinatorGroup.JOIN_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code fleet coordinator --peers} processes on 127.0.0.1: followers redirect to the leader, the
 * leader is killed with {@code kill -9}, a new one is elected and serves every acknowledged task, a machine heard
 * from before keeps its attempt through the takeover (its silence counts from the takeover), and with no
 * majority left the survivor answers 503 no-leader.
 */
@Timeout(240)
class ReplicatedCoordinatorsTest {
  private static final System.Logger LOG = System.getLogger(ReplicatedCoordinatorsTest.class.getName());
  /** Short, so that a silence counted from before the takeover would show within the test. */
  private static final Duration OFFLINE_AFTER = Duration.ofSeconds(4);

  @TempDir
  Path dir;

  private static String machineJson(String id) {
    return "{\"machine\":{\"id\":\"" + id + "\",\"hostname\":\"" + id + ".local\",\"role\":\"worker\","
        + "\"capabilities\":[\"code\"]}}";
  }

  private static HttpResponse<String> ok(Optional<HttpResponse<String>> r, String what) {
    assertTrue(r.isPresent(), what + ": no answer");
    assertEquals(200, r.get().statusCode(), what + ": " + r.get().body());
    return r.get();
  }

  @Test
  void failoverKeepsEveryAcknowledgedTaskAndTheMachinesAttempts() throws Exception {
    try (CoordinatorGroup g = new CoordinatorGroup(dir, 3, "--heartbeat-interval", "1s", "--offline-after",
        OFFLINE_AFTER.toSeconds() + "s")) {
      g.startAll();
      String leader = g.awaitLeader(g.names(), Duration.ofSeconds(60));
      URI lead = g.url(leader);
      List<String> followers = new ArrayList<>(g.names());
      followers.remove(leader);

      // A follower: ping and /v1/coordinators answered, everything else sent to the leader.
      URI follower = g.url(followers.get(0));
      ok(g.get(follower, "/v1/ping", null), "ping on a follower");
      HttpResponse<String> view = ok(g.get(follower, "/v1/coordinators", null), "coordinators on a follower");
      assertTrue(view.body().contains("\"self\":\"" + followers.get(0) + "\""), view.body());
      assertTrue(view.body().contains("\"role\":\"leader\""), view.body());
      HttpResponse<String> moved = g.post(follower, "/v1/tasks?dry=1", CLIENT_TOKEN,
          "{\"tasks\":[{\"id\":\"x\"}]}").orElseThrow();
      assertEquals(307, moved.statusCode(), moved.body());
      assertEquals(lead + "/v1/tasks?dry=1", moved.headers().firstValue("Location").orElseThrow());
      assertEquals("application/problem+json", moved.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(moved.body().contains("\"type\":\"urn:dev.fleet:problem:not-leader\""), moved.body());
      assertTrue(moved.body().contains("\"leader\":\"" + lead + "\""), moved.body());

      // Through the leader: a machine joins and heartbeats, one task runs on it, twenty wait in the queue.
      String cred = CoordinatorGroup.field(ok(g.post(lead, "/v1/join", JOIN_TOKEN, machineJson("m1")), "join")
          .body(), "credential").orElseThrow();
      ok(g.post(lead, "/v1/heartbeat", cred, "{\"sequence\":1,\"load\":0.1}"), "heartbeat");
      assertTrue(ok(g.post(lead, "/v1/tasks", CLIENT_TOKEN, "{\"tasks\":[{\"id\":\"t0\",\"requires\":[\"code\"]}]}"),
          "submit t0").body().contains("\"outcome\":\"dispatched\""));
      String token = CoordinatorGroup.field(ok(g.get(lead, "/v1/assignments?ack=0&waitMillis=5000", cred), "poll")
          .body(), "token").orElseThrow();
      ok(g.post(lead, "/v1/tasks/t0/started", cred, "{\"token\":\"" + token + "\"}"), "started");
      for (int i = 1; i <= 20; i++) {
        ok(g.post(lead, "/v1/tasks", CLIENT_TOKEN, "{\"tasks\":[{\"id\":\"q" + i + "\",\"requires\":[\"gpu\"]}]}"),
            "submit q" + i);
      }
      ok(g.post(lead, "/v1/heartbeat", cred, "{\"sequence\":2,\"load\":0.1}"), "last heartbeat to the old leader");
      long lastHeard = System.nanoTime();

      // Most of the offline time passes in silence, then the leader dies.
      LockSupport.parkNanos(OFFLINE_AFTER.toNanos() * 5 / 8);
      long killed = System.nanoTime();
      g.kill(leader);
      String next = awaitServing(g, followers, Duration.ofSeconds(30));
      long failover = System.nanoTime() - killed;
      LOG.log(System.Logger.Level.INFO, "failover seen by a client: {0} ms", failover / 1_000_000);
      assertNotEquals(leader, next);
      URI nextUrl = g.url(next);

      for (int i = 1; i <= 20; i++) {
        assertTrue(ok(g.get(nextUrl, "/v1/tasks/q" + i, CLIENT_TOKEN), "q" + i).body().contains("\"state\":\"queued\""));
      }
      // Past the moment the machine would be offline if its silence counted from its last heartbeat to the old
      // leader: it is not, because the new leader counts from the takeover. Waiting is the point here.
      long wouldBeOffline = lastHeard + OFFLINE_AFTER.toNanos() + 1_000_000_000L;
      LockSupport.parkNanos(Math.max(0, wouldBeOffline - System.nanoTime()));
      String t0 = ok(g.get(nextUrl, "/v1/tasks/t0", CLIENT_TOKEN), "t0 on the new leader").body();
      assertTrue(t0.contains("\"state\":\"running\"") && t0.contains("\"attempt\":1") && t0.contains("\"m1\""),
          "t0 still runs on m1 in its first attempt: " + t0);
      // The machine finds the new leader with the same credential and reports with the same token.
      ok(g.post(nextUrl, "/v1/heartbeat", cred, "{\"sequence\":3,\"load\":0.1}"), "heartbeat to the new leader");
      ok(g.post(nextUrl, "/v1/tasks/t0/result", cred, "{\"token\":\"" + token + "\",\"succeeded\":true}"), "result");
      assertTrue(ok(g.get(nextUrl, "/v1/tasks/t0", CLIENT_TOKEN), "t0").body().contains("\"state\":\"succeeded\""));

      // The remaining follower redirects to the new leader.
      String other = followers.stream().filter(n -> !n.equals(next)).findFirst().orElseThrow();
      HttpResponse<String> again = g.get(g.url(other), "/v1/tasks/t0", CLIENT_TOKEN).orElseThrow();
      assertEquals(307, again.statusCode(), again.body());
      assertEquals(nextUrl + "/v1/tasks/t0", again.headers().firstValue("Location").orElseThrow());

      // No majority left: the survivor knows no leader and says so.
      g.kill(next);
      CoordinatorGroup.await("503 no-leader from " + other, Duration.ofSeconds(30), () -> g.get(g.url(other),
          "/v1/tasks/t0", CLIENT_TOKEN).filter(r -> r.statusCode() == 503
          && r.body().contains("urn:dev.fleet:problem:no-leader")
          && "1".equals(r.headers().firstValue("Retry-After").orElse(null))).isPresent());
      assertTrue(ok(g.get(g.url(other), "/v1/coordinators", null), "coordinators").body()
          .contains("\"leader\":null"));
    }
  }

  /** Waits until one of {@code among} serves a client's read as leader; returns it. */
  static String awaitServing(CoordinatorGroup g, List<String> among, Duration limit) {
    String[] found = new String[1];
    CoordinatorGroup.await("a new leader serving among " + among, limit, () -> {
      for (String n : among) {
        if (g.get(g.url(n), "/v1/machines", CLIENT_TOKEN).filter(r -> r.statusCode() == 200).isPresent()) {
          found[0] = n;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }
}
