package dev.fleet.raft;

import static dev.fleet.raft.Recorder.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Nodes restarted on their log directories get back what was committed, alone or all at once. */
@Timeout(60)
class RestartTest {

  private static List<String> range(String prefix, int from, int to) {
    List<String> l = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      l.add(prefix + i);
    }
    return l;
  }

  @Test
  void aRestartedFollowerCatchesUpWithWhatItMissed() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal leader = c.awaitLeader(Duration.ofSeconds(15), c.names());
      leader.open(r -> { });
      for (int i = 1; i <= 20; i++) {
        leader.sync(leader.append(bytes("r" + i)));
      }
      String follower = c.names().stream().filter(n -> !n.equals(leader.name())).findFirst().orElseThrow();
      Await.until(Duration.ofSeconds(10), () -> c.stream(follower).position() == 20, () -> c.describe(c.names()));
      c.stop(follower);
      for (int i = 21; i <= 40; i++) {
        leader.sync(leader.append(bytes("r" + i)));
      }

      c.start(follower);
      Duration caughtUp = Await.until(Duration.ofSeconds(15), () -> c.stream(follower).position() == 40,
          () -> c.describe(c.names()));
      System.out.printf("[raft] restarted follower %s caught up 20 missed records in %d ms%n", follower,
          caughtUp.toMillis());
      assertEquals(range("r", 1, 40), c.stream(follower).records());
    }
  }

  @Test
  void theWholeGroupRestartedAtOnceKeepsEverySyncedRecordAndTheSnapshot() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal leader = c.awaitLeader(Duration.ofSeconds(15), c.names());
      leader.open(r -> { });
      for (int i = 1; i <= 30; i++) {
        leader.sync(leader.append(bytes("r" + i)));
      }
      // The fleet's state after record 20, in one record: records 1..20 are replaced by it everywhere.
      leader.snapshot(20, List.of(bytes("state-after-20")));
      for (int i = 31; i <= 40; i++) {
        leader.sync(leader.append(bytes("r" + i)));
      }
      List<String> expected = new ArrayList<>();
      expected.add("state-after-20");
      expected.addAll(range("r", 21, 40));
      Await.until(Duration.ofSeconds(10),
          () -> c.names().stream().allMatch(n -> c.node(n).committedPosition() == 40), () -> c.describe(c.names()));
      // Every node applied the snapshot entry and truncated its Raft log to it.
      Await.until(Duration.ofSeconds(10), () -> c.names().stream().allMatch(n -> c.node(n).firstLogIndex() > 20),
          () -> c.describe(c.names()));

      for (String n : c.names()) {
        c.stop(n);
      }
      for (String n : c.names()) {
        c.start(n);
      }
      RaftJournal next = c.awaitLeader(Duration.ofSeconds(15), c.names());
      List<String> replayed = new ArrayList<>();
      next.open(r -> replayed.add(new String(r)));
      assertEquals(expected, replayed, "the new leader replays the snapshot, then every record after it");
      assertEquals(40, next.position(), "positions go on from where they were");
      next.sync(next.append(bytes("r41")));
      expected.add("r41");
      Await.until(Duration.ofSeconds(10),
          () -> c.names().stream().allMatch(n -> c.stream(n).position() == 41), () -> c.describe(c.names()));
      for (String n : c.names()) {
        assertEquals(expected, c.stream(n).records(), n + "'s committed state after the restart");
      }
    }
  }
}
