package dev.fleet.raft;

import static dev.fleet.raft.Recorder.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three nodes elect one leader, and what the leader syncs reaches every node, in the same order. */
@Timeout(60)
class ReplicationTest {

  @Test
  void threeNodesElectOneLeaderAndCommitTheSameRecordsInTheSameOrder() throws Exception {
    try (Cluster c = new Cluster(3)) {
      long start = System.nanoTime();
      c.startAll();
      RaftJournal leader = c.awaitLeader(Duration.ofSeconds(15), c.names());
      Duration elected = Duration.ofNanos(System.nanoTime() - start);
      System.out.printf("[raft] 3 nodes started and agreed on leader %s (term %d) in %d ms%n",
          leader.name(), leader.term(), elected.toMillis());
      assertEquals(1, c.live().stream().filter(RaftJournal::isLeader).count(), c.describe(c.names()));

      List<String> replayed = new ArrayList<>();
      long epoch = leader.open(r -> replayed.add(new String(r)));
      assertEquals(leader.term(), epoch);
      assertEquals(List.of(), replayed, "a new group has nothing to replay");

      // Many threads append under one lock and sync outside it, as the fleet does: group commit.
      int threads = 16;
      int perThread = 150;
      Object fleetLock = new Object();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long writing = System.nanoTime();
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          done.add(pool.submit(() -> {
            for (int i = 0; i < perThread; i++) {
              long p;
              synchronized (fleetLock) {
                p = leader.append(bytes("t" + id + "-" + i));
              }
              leader.sync(p);
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      int total = threads * perThread;
      long tookMs = Math.max(1, (System.nanoTime() - writing) / 1_000_000);
      System.out.printf("[raft] %d records appended and synced by %d threads in %d ms (%d/s, fsync on)%n",
          total, threads, tookMs, total * 1000L / tookMs);
      assertEquals(total, leader.position());
      assertEquals(total, leader.committedPosition(), "sync returned, so the leader applied every record");

      Await.until(Duration.ofSeconds(10),
          () -> c.names().stream().allMatch(n -> c.stream(n).position() == total), () -> c.describe(c.names()));
      List<String> expected = c.stream(leader.name()).records();
      assertEquals(total, expected.size());
      assertEquals(total, expected.stream().distinct().count(), "no record twice");
      for (String n : c.names()) {
        assertEquals(expected, c.stream(n).records(), n + "'s committed stream");
      }
      assertTrue(leader.failure().isEmpty());
    }
  }
}
