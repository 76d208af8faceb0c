package dev.fleet.raft;

import static dev.fleet.raft.Recorder.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When the leader dies, another node leads within the tuned bound, with every synced record. */
@Timeout(60)
class FailoverTest {
  /** failureTimeout (2 s) plus a vote round, with room for a loaded machine. */
  private static final Duration BOUND = Duration.ofSeconds(5);

  @Test
  void aCrashedLeaderIsReplacedWithinTheBoundAndNothingSyncedIsLost() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal first = c.awaitLeader(Duration.ofSeconds(15), c.names());
      long firstTerm = first.open(r -> { });
      for (int i = 0; i < 50; i++) {
        first.sync(first.append(bytes("before-" + i)));
      }

      List<String> survivors = new ArrayList<>(c.names());
      survivors.remove(first.name());
      java.util.Map<String, List<RaftRole>> roles = new java.util.concurrent.ConcurrentHashMap<>();
      for (String n : survivors) {
        roles.put(n, new java.util.concurrent.CopyOnWriteArrayList<>());
        c.node(n).onRoleChange(roles.get(n)::add);
      }
      long crashed = System.nanoTime();
      c.crash(first.name());
      RaftJournal second = c.awaitLeader(BOUND, survivors);
      Duration failover = Duration.ofNanos(System.nanoTime() - crashed);
      System.out.printf("[raft] leader %s crashed; %s leads term %d after %d ms%n",
          first.name(), second.name(), second.term(), failover.toMillis());
      assertTrue(second.term() > firstTerm, "the new leader's term is higher");
      assertEquals(List.of(RaftRole.LEADER), roles.get(second.name()), "the new leader's role listener was told");

      List<String> replayed = new ArrayList<>();
      long epoch = second.open(r -> replayed.add(new String(r)));
      assertTrue(epoch > firstTerm);
      List<String> before = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        before.add("before-" + i);
      }
      assertEquals(before, replayed, "every record the old leader synced is replayed by the new one");

      for (int i = 0; i < 50; i++) {
        second.sync(second.append(bytes("after-" + i)));
      }
      assertEquals(100, second.position());
      String follower = survivors.stream().filter(n -> !n.equals(second.name())).findFirst().orElseThrow();
      Await.until(Duration.ofSeconds(10), () -> c.stream(follower).position() == 100, () -> c.describe(survivors));
      assertEquals(c.stream(second.name()).records(), c.stream(follower).records());
    }
  }
}
