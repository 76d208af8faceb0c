package dev.fleet.cli;

import static dev.fleet.cli.CoordinatorGroup.CLIENT_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real coordinator processes while a client submits all the time: the leader is killed with {@code kill -9}
 * round after round (and restarted as a follower), and every submission the client was told was accepted is on
 * the last leader; a leader paused with SIGSTOP past the failure timeout accepts nothing once resumed; all three
 * killed at once and restarted keep every acknowledged submission.
 *
 * <p>{@code -Dfleet.ha.rounds=N} sets the kill rounds (5 by default: each costs a JVM start on a small machine).
 */
@Timeout(600)
class ReplicatedKillRoundsTest {
  private static final System.Logger LOG = System.getLogger(ReplicatedKillRoundsTest.class.getName());

  @TempDir
  Path dir;

  /** Submits one task at a time, following 307s and trying the next node on 503 or a refused connection. */
  static final class Submitter implements Runnable {
    private final CoordinatorGroup g;
    private final List<URI> urls;
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicBoolean stop = new AtomicBoolean();
    /** Each acknowledged request: when it was sent and when its answer came, in nanoseconds. */
    final List<long[]> acks = Collections.synchronizedList(new ArrayList<>());
    private volatile URI current;
    private int next;

    Submitter(CoordinatorGroup g) {
      this.g = g;
      this.urls = g.names().stream().map(g::url).toList();
      this.current = urls.get(0);
    }

    @Override
    public void run() {
      int n = 0;
      while (!stop.get()) {
        String id = "s" + (++n);
        boolean done = false;
        for (int hop = 0; hop < 10 && !done && !stop.get(); hop++) {
          long sent = System.nanoTime();
          Optional<HttpResponse<String>> r = g.post(current, "/v1/tasks", CLIENT_TOKEN,
              "{\"tasks\":[{\"id\":\"" + id + "\",\"requires\":[\"gpu\"]}]}");
          int status = r.map(HttpResponse::statusCode).orElse(0);
          if (status == 200) {
            acknowledged.add(id);
            acks.add(new long[] {sent, System.nanoTime()});
            done = true;
            LockSupport.parkNanos(10_000_000L); // about 100 a second: under the client's rate limit
          } else if (status == 429) {
            LockSupport.parkNanos(1_000_000_000L);
          } else if (status == 307) {
            String loc = r.get().headers().firstValue("Location").orElseThrow();
            current = URI.create(loc.substring(0, loc.indexOf("/v1/")));
          } else {
            refused.incrementAndGet();
            current = urls.get(next++ % urls.size());
            LockSupport.parkNanos(20_000_000L);
          }
        }
      }
    }
  }

  @Test
  void everyAcknowledgedSubmissionSurvivesKillNineOfTheLeader() throws Exception {
    int rounds = Integer.getInteger("fleet.ha.rounds", 5);
    try (CoordinatorGroup g = new CoordinatorGroup(dir, 3)) {
      g.startAll();
      String leader = g.awaitLeader(g.names(), Duration.ofSeconds(60));
      Submitter s = new Submitter(g);
      Thread t = new Thread(s, "ha-submitter");
      t.start();
      List<Long> failovers = new ArrayList<>();
      int rejoinElections = 0;
      try {
        for (int round = 1; round <= rounds; round++) {
          int before = s.acknowledged.size();
          CoordinatorGroup.await("submissions go through before round " + round, Duration.ofSeconds(30),
              () -> s.acknowledged.size() >= before + 5);
          long killed = System.nanoTime();
          g.kill(leader);
          List<String> rest = new ArrayList<>(g.names());
          rest.remove(leader);
          CoordinatorGroup.await("a submission sent after killing " + leader + " acknowledged",
              Duration.ofSeconds(30), () -> firstAckSentAfter(s, killed).isPresent());
          long seen = firstAckSentAfter(s, killed).getAsLong() - killed;
          failovers.add(seen);
          String killedName = leader;
          String elected = g.awaitLeader(rest, Duration.ofSeconds(30));
          g.start(killedName); // comes back as a follower on its log
          try {
            // Its return may bring an election (a merge of views): whoever leads then, all three agree on it.
            leader = g.awaitLeader(g.names(), Duration.ofSeconds(60));
            if (!leader.equals(elected)) {
              rejoinElections++;
            }
          } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " after restarting " + killedName + g.tails(), e);
          }
        }
      } finally {
        s.stop.set(true);
        t.join();
      }
      URI lead = g.url(g.awaitLeader(g.names(), Duration.ofSeconds(30)));
      for (String id : s.acknowledged) {
        LockSupport.parkNanos(6_000_000L); // under the client's rate limit
        HttpResponse<String> r = g.get(lead, "/v1/tasks/" + id, CLIENT_TOKEN).orElseThrow();
        assertEquals(200, r.statusCode(), id + " was acknowledged and must be on the leader: " + r.body());
      }
      List<Long> sorted = new ArrayList<>(failovers);
      Collections.sort(sorted);
      LOG.log(System.Logger.Level.INFO, "{0} kill -9 rounds, {1} acknowledged submissions, {2} refused or redirected "
          + "attempts; time from kill -9 to the next acknowledged submission (ms): median {3}, max {4}, all {5}; "
          + "leader changed when the killed node came back: {6} times",
          rounds, s.acknowledged.size(), s.refused.get(), sorted.get(sorted.size() / 2) / 1_000_000,
          sorted.get(sorted.size() - 1) / 1_000_000, sorted.stream().map(n -> n / 1_000_000).toList(),
          rejoinElections);
      assertTrue(sorted.get(sorted.size() - 1) < Duration.ofSeconds(10).toNanos(), "failovers " + sorted);
    }
  }

  /** When the first submission sent after {@code since} was acknowledged: one in flight at the kill is not it. */
  private static OptionalLong firstAckSentAfter(Submitter s, long since) {
    synchronized (s.acks) {
      return s.acks.stream().filter(a -> a[0] > since).mapToLong(a -> a[1]).findFirst();
    }
  }

  @Test
  void aLeaderPausedPastTheFailureTimeoutAcceptsNothingOnceResumed() throws Exception {
    try (CoordinatorGroup g = new CoordinatorGroup(dir, 3)) {
      g.startAll();
      String old = g.awaitLeader(g.names(), Duration.ofSeconds(60));
      URI oldUrl = g.url(old);
      assertEquals(200, g.post(oldUrl, "/v1/tasks", CLIENT_TOKEN, "{\"tasks\":[{\"id\":\"before\"}]}")
          .orElseThrow().statusCode());
      List<String> rest = new ArrayList<>(g.names());
      rest.remove(old);
      g.signal(old, "STOP");
      String next;
      try {
        next = g.awaitLeader(rest, Duration.ofSeconds(30));
      } catch (AssertionError e) {
        g.signal(old, "CONT");
        throw e;
      }
      assertEquals(200, g.post(g.url(next), "/v1/tasks", CLIENT_TOKEN, "{\"tasks\":[{\"id\":\"after\"}]}")
          .orElseThrow().statusCode());
      g.signal(old, "CONT");
      // Straight after SIGCONT the old leader may still believe it leads: every write it is sent must fail.
      List<String> answers = new ArrayList<>();
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int i = 0;
      while (System.nanoTime() < until) {
        String id = "zombie" + (++i);
        Optional<HttpResponse<String>> r = g.post(oldUrl, "/v1/tasks", CLIENT_TOKEN,
            "{\"tasks\":[{\"id\":\"" + id + "\"}]}");
        int status = r.map(HttpResponse::statusCode).orElse(0);
        answers.add(id + "=" + status + (status == 503 ? "/" + CoordinatorGroup.field(r.get().body(), "type")
            .orElse("?").replace("urn:dev.fleet:problem:", "") : ""));
        assertTrue(status != 200, "the deposed leader accepted " + id + ": " + answers);
        if (status == 307) {
          break; // it follows now
        }
        LockSupport.parkNanos(200_000_000L);
      }
      assertTrue(answers.get(answers.size() - 1).endsWith("=307"), "the old leader ends up redirecting: " + answers);
      String now = g.awaitLeader(g.names(), Duration.ofSeconds(30));
      URI lead = g.url(now);
      assertEquals(200, g.get(lead, "/v1/tasks/before", CLIENT_TOKEN).orElseThrow().statusCode());
      assertEquals(200, g.get(lead, "/v1/tasks/after", CLIENT_TOKEN).orElseThrow().statusCode());
      for (int z = 1; z <= i; z++) {
        assertEquals(404, g.get(lead, "/v1/tasks/zombie" + z, CLIENT_TOKEN).orElseThrow().statusCode(),
            "zombie" + z + " was refused and is nowhere; answers " + answers);
      }
      LOG.log(System.Logger.Level.INFO, "answers of the resumed old leader (0: no answer within 5 s, or refused): "
          + "{0}", answers);
    }
  }

  @Test
  void killingAllThreeAtOnceLosesNothingAcknowledged() throws Exception {
    try (CoordinatorGroup g = new CoordinatorGroup(dir, 3)) {
      g.startAll();
      g.awaitLeader(g.names(), Duration.ofSeconds(60));
      Submitter s = new Submitter(g);
      Thread t = new Thread(s, "ha-submitter");
      t.start();
      try {
        CoordinatorGroup.await("50 submissions acknowledged", Duration.ofSeconds(60),
            () -> s.acknowledged.size() >= 50);
        for (String n : g.names()) {
          g.kill(n);
        }
      } finally {
        s.stop.set(true);
        t.join();
      }
      for (String n : g.names()) {
        g.start(n);
      }
      URI lead = g.url(g.awaitLeader(g.names(), Duration.ofSeconds(60)));
      for (String id : s.acknowledged) {
        LockSupport.parkNanos(6_000_000L); // under the client's rate limit
        HttpResponse<String> r = g.get(lead, "/v1/tasks/" + id, CLIENT_TOKEN).orElseThrow();
        assertEquals(200, r.statusCode(), id + " was acknowledged before all three were killed: " + r.body());
      }
      LOG.log(System.Logger.Level.INFO, "all three killed at once and restarted: {0} acknowledged submissions kept",
          s.acknowledged.size());
    }
  }
}
