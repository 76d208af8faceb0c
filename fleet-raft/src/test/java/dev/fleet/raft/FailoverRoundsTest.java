package dev.fleet.raft;

import static dev.fleet.raft.Recorder.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crashes the leader round after round (restarting it on its log each time) and measures how long the group
 * goes without a leader. A short run for the build; the 100-round figure needs real processes.
 */
@Timeout(60)
class FailoverRoundsTest {
  private static final int ROUNDS = 6;
  private static final Duration BOUND = Duration.ofSeconds(5);

  @Test
  void everyCrashedLeaderIsReplacedWithinTheBound() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal leader = c.awaitLeader(Duration.ofSeconds(15), c.names());
      List<Long> millis = new ArrayList<>();
      int written = 0;
      for (int round = 0; round < ROUNDS; round++) {
        leader.open(r -> { });
        leader.sync(leader.append(bytes("round-" + round)));
        written++;
        String crashed = leader.name();
        List<String> survivors = new ArrayList<>(c.names());
        survivors.remove(crashed);
        long start = System.nanoTime();
        c.crash(crashed);
        leader = c.awaitLeader(BOUND, survivors);
        millis.add((System.nanoTime() - start) / 1_000_000);
        c.start(crashed);
        int expected = written;
        Await.until(Duration.ofSeconds(10), () -> c.stream(crashed).position() == expected,
            () -> c.describe(c.names()));
      }
      List<Long> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      System.out.printf("[raft] %d leader crashes: new leader after %s ms (median %d, max %d)%n", ROUNDS, millis,
          sorted.get(ROUNDS / 2), sorted.get(ROUNDS - 1));
      // The last leader learns that the last round's record is committed once it commits in its own term.
      leader.open(r -> { });
      List<String> records = c.stream(leader.name()).records();
      assertEquals(ROUNDS, records.size());
      for (int i = 0; i < ROUNDS; i++) {
        assertEquals("round-" + i, records.get(i));
      }
    }
  }
}
