package dev.fleet.cli;

import static dev.fleet.cli.CoordinatorGroup.CLIENT_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real coordinator processes, three real agent processes and a client that submits all the time: the leader is
 * killed with {@code kill -9} round after round (and restarted as a follower), and every task the client was told
 * was accepted succeeds on the last leader, given to a machine once and run once (each run appends a line to a
 * file); a leader paused with SIGSTOP past the failure timeout accepts nothing once resumed; all three
 * killed at once and restarted keep every acknowledged submission.
 *
 * <p>{@code -Dfleet.ha.rounds=N} sets the kill rounds (20 by default; {@code scripts/ha-kill-rounds.sh 100} runs 100).
 */
class ReplicatedKillRoundsTest {
  private static final System.Logger LOG = System.getLogger(ReplicatedKillRoundsTest.class.getName());
  private static final JsonMapper JSON = JsonMapper.builder().build();

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
    private final String payload;
    private final long pauseNanos;
    private volatile URI current;
    private int next;

    /** Tasks without a payload, about 100 a second (under the client's rate limit). */
    Submitter(CoordinatorGroup g) {
      this(g, null, 10_000_000L);
    }

    /** Tasks whose payload is {@code payload}, with {@code pauseNanos} between one acknowledgement and the next. */
    Submitter(CoordinatorGroup g, String payload, long pauseNanos) {
      this.g = g;
      this.urls = g.names().stream().map(g::url).toList();
      this.current = urls.get(0);
      this.payload = payload;
      this.pauseNanos = pauseNanos;
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
              "{\"tasks\":[{\"id\":\"" + id + "\",\"requires\":[\"gpu\"]" + (payload == null ? ""
                  : ",\"payload\":{\"mediaType\":\"text/plain\",\"text\":\"" + payload + "\"}") + "}]}");
          int status = r.map(HttpResponse::statusCode).orElse(0);
          if (status == 200) {
            acknowledged.add(id);
            acks.add(new long[] {sent, System.nanoTime()});
            done = true;
            LockSupport.parkNanos(pauseNanos);
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
  @Timeout(7200) // a backstop for 100 rounds and more: every wait in a round has its own limit
  void everyAcknowledgedTaskRunsOnceAndSucceedsThroughKillNineOfTheLeaderRoundAfterRound() throws Exception {
    int rounds = Integer.getInteger("fleet.ha.rounds", 20);
    Path runs = dir.resolve("runs.log");
    try (CoordinatorGroup g = new CoordinatorGroup(dir, 3)) {
      g.startAll();
      String leader = g.awaitLeader(g.names(), Duration.ofSeconds(60));
      List<String> agents = List.of("a1", "a2", "a3");
      for (String a : agents) {
        g.startAgent(a, "--capabilities", "gpu", "--allow-shell", "--slots", "2");
      }
      URI first = g.url(leader);
      CoordinatorGroup.await("three agents online", Duration.ofSeconds(60), () -> agents.stream().allMatch(a ->
          g.get(first, "/v1/machines/" + a, CLIENT_TOKEN).filter(r -> r.statusCode() == 200)
              .flatMap(r -> CoordinatorGroup.field(r.body(), "health")).filter("online"::equalsIgnoreCase)
              .isPresent()));
      // Each run of a task leaves a line in a real file: a task run twice shows there whatever the ledger says.
      Submitter s = new Submitter(g, "echo $FLEET_TASK $FLEET_ATTEMPT $FLEET_MACHINE >> " + runs, 40_000_000L);
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
          LOG.log(System.Logger.Level.INFO, "round {0} of {1}: killed {2}; next acknowledged submission after {3} ms",
              round, rounds, leader, seen / 1_000_000);
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
      Map<String, JsonNode> tasks = new HashMap<>();
      try {
        CoordinatorGroup.await("every acknowledged task succeeded", Duration.ofSeconds(120), () -> {
          tasks.clear();
          tasks.putAll(summaries(g, lead));
          return s.acknowledged.stream().allMatch(id -> tasks.containsKey(id)
              && "SUCCEEDED".equalsIgnoreCase(tasks.get(id).path("state").asString()));
        });
      } catch (AssertionError e) {
        List<String> unfinished = s.acknowledged.stream().filter(id -> !tasks.containsKey(id)
            || !"SUCCEEDED".equalsIgnoreCase(tasks.get(id).path("state").asString()))
            .map(id -> id + "=" + tasks.get(id)).limit(20).toList();
        throw new AssertionError(e.getMessage() + ": " + unfinished + g.tails(), e);
      }
      Map<String, List<String>> ran = new HashMap<>();
      for (String line : Files.readAllLines(runs)) {
        ran.computeIfAbsent(line.split(" ")[0], k -> new ArrayList<>()).add(line);
      }
      for (String id : s.acknowledged) {
        assertEquals(1, tasks.get(id).path("attempt").asInt(), id + " was given to a machine more than once: "
            + tasks.get(id));
        assertEquals(1, ran.getOrDefault(id, List.of()).size(), id + " ran " + ran.get(id));
      }
      for (Map.Entry<String, List<String>> e : ran.entrySet()) {
        assertEquals(1, e.getValue().size(), e.getKey() + " ran more than once: " + e.getValue());
      }
      List<Long> sorted = new ArrayList<>(failovers);
      Collections.sort(sorted);
      LOG.log(System.Logger.Level.INFO, "{0} kill -9 rounds, 3 agents, {1} acknowledged tasks, each run once and "
          + "succeeded once; {2} refused or redirected attempts; time from kill -9 to the next acknowledged "
          + "submission (ms): median {3}, p99 {4}, max {5}, all {6}; leader changed when the killed node came "
          + "back: {7} times", rounds, s.acknowledged.size(), s.refused.get(), millis(percentile(sorted, 50)),
          millis(percentile(sorted, 99)), millis(sorted.get(sorted.size() - 1)),
          sorted.stream().map(n -> n / 1_000_000).toList(), rejoinElections);
      assertTrue(sorted.get(sorted.size() - 1) < Duration.ofSeconds(10).toNanos(), "failovers " + sorted);
    }
  }

  /** The nearest-rank percentile of sorted values. */
  static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  /** Every task the leader lists (it keeps the newest 10,000), by id. */
  private static Map<String, JsonNode> summaries(CoordinatorGroup g, URI lead) {
    Map<String, JsonNode> out = new HashMap<>();
    g.get(lead, "/v1/tasks?limit=10000", CLIENT_TOKEN).filter(r -> r.statusCode() == 200).ifPresent(r -> {
      for (JsonNode n : JSON.readTree(r.body()).path("tasks")) {
        out.put(n.path("id").asString(), n);
      }
    });
    return out;
  }

  /** When the first submission sent after {@code since} was acknowledged: one in flight at the kill is not it. */
  private static OptionalLong firstAckSentAfter(Submitter s, long since) {
    synchronized (s.acks) {
      return s.acks.stream().filter(a -> a[0] > since).mapToLong(a -> a[1]).findFirst();
    }
  }

  @Test
  @Timeout(600)
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
  @Timeout(600)
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
