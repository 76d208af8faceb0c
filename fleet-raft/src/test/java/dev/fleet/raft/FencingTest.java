package dev.fleet.raft;

import static dev.fleet.raft.Recorder.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.spi.JournalException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A leader cut off from the majority commits nothing, and the majority never sees what it appended. */
@Timeout(60)
class FencingTest {

  @Test
  void aLeaderConfirmsItLeadsWhileItDoesAndACutOffOneIsRefusedAndFenced() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal old = c.awaitLeader(Duration.ofSeconds(15), c.names());
      old.open(r -> { });
      old.sync(old.append(bytes("before")));
      old.confirmLeading(); // a majority answers: it leads
      assertEquals(Optional.empty(), old.failure());
      old.sync(old.append(bytes("after-the-check"))); // the barrier left the journal writable and numbered alike

      c.cutOff(old.name());
      JournalException e = assertThrows(JournalException.class, old::confirmLeading);
      assertEquals(Optional.of(e), old.failure(), "refused: the journal is fenced, as a refused sync fences it");
      List<String> majority = new ArrayList<>(c.names());
      majority.remove(old.name());
      RaftJournal next = c.awaitLeader(Duration.ofSeconds(10), majority);
      List<String> replayed = new ArrayList<>();
      next.open(r -> replayed.add(new String(r)));
      assertEquals(List.of("before", "after-the-check"), replayed);
    }
  }

  @Test
  void aCutOffLeaderIsFencedAndItsRecordsNeverReachTheMajority() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal old = c.awaitLeader(Duration.ofSeconds(15), c.names());
      long oldTerm = old.open(r -> { });
      for (int i = 0; i < 10; i++) {
        old.sync(old.append(bytes("kept-" + i)));
      }
      List<String> majority = new ArrayList<>(c.names());
      majority.remove(old.name());

      List<RaftRole> oldRoles = new java.util.concurrent.CopyOnWriteArrayList<>();
      old.onRoleChange(oldRoles::add);
      long cut = System.nanoTime();
      c.cutOff(old.name());
      long lost = old.append(bytes("lost"));
      JournalException fenced = assertThrows(JournalException.class, () -> old.sync(lost));
      System.out.printf("[raft] cut-off leader %s: sync refused after %d ms: %s%n", old.name(),
          (System.nanoTime() - cut) / 1_000_000, fenced.getMessage());
      RaftJournal next = c.awaitLeader(Duration.ofSeconds(10), majority);
      System.out.printf("[raft] %s was cut off; %s leads term %d after %d ms%n", old.name(), next.name(),
          next.term(), (System.nanoTime() - cut) / 1_000_000);
      assertTrue(next.term() > oldTerm);
      assertFalse(old.isLeader(), "the cut-off leader stepped down");
      assertEquals(List.of(RaftRole.FOLLOWER), oldRoles, "and told its role listeners");
      assertEquals(Optional.of(fenced), old.failure(), "fail-stop: the first refusal is the journal's failure");
      assertThrows(JournalException.class, () -> old.append(bytes("after-fence")));

      List<String> replayed = new ArrayList<>();
      next.open(r -> replayed.add(new String(r)));
      assertEquals(10, replayed.size());
      assertFalse(replayed.contains("lost"));
      next.sync(next.append(bytes("new-leader")));

      // When the partition heals, the old leader's uncommitted entry is overwritten by the new leader's log.
      c.heal(old.name());
      List<String> all = c.names();
      Await.until(Duration.ofSeconds(20),
          () -> all.stream().allMatch(n -> c.stream(n).position() == 11), () -> c.describe(all));
      List<String> expected = c.stream(next.name()).records();
      assertEquals("new-leader", expected.get(10));
      for (String n : all) {
        assertEquals(expected, c.stream(n).records(), n + "'s committed stream");
        assertFalse(c.stream(n).records().contains("lost"), n);
      }
      assertEquals(Optional.of(next.name()), old.leader(), "the old leader follows the new one");
    }
  }
}
