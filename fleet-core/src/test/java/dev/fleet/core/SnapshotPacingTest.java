package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.Task;
import dev.fleet.spi.JournalException;
import dev.fleet.testing.ForwardingJournal;
import dev.fleet.testing.MemoryJournal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** When the fleet syncs its journal and when it asks for a snapshot, seen through a journal that records calls. */
class SnapshotPacingTest {
  /** Passes everything to a memory journal and records "sync N" and "snapshot N". */
  static final class Recording extends ForwardingJournal {
    final MemoryJournal inner;
    final List<String> calls = new CopyOnWriteArrayList<>();

    Recording(MemoryJournal inner) {
      super(inner);
      this.inner = inner;
    }

    @Override
    public void sync(long position) {
      calls.add("sync " + position);
      super.sync(position);
    }

    @Override
    public void snapshot(long position, Iterable<byte[]> state) {
      calls.add("snapshot " + position);
      super.snapshot(position, state);
    }

    @Override
    public void close() {
      calls.add("close");
      super.close();
    }

    long snapshots() {
      return calls.stream().filter(c -> c.startsWith("snapshot")).count();
    }
  }

  private static void register(TestFleet t, String id) {
    t.fleet.registry().register(TestFleet.machine(id, "r", "x"));
  }

  @Test
  void anOperationThatChangesNothingDurableDoesNotSyncAgain() {
    Recording journal = new Recording(new MemoryJournal());
    try (TestFleet t = new TestFleet(b -> b.journal(journal))) {
      register(t, "a");
      long position = journal.position();
      assertTrue(position > 0);
      assertEquals("sync " + position, journal.calls.get(journal.calls.size() - 1));
      t.beat("a", 0.2);
      position = journal.position();
      int before = journal.calls.size();
      // Heartbeats of an online machine change nothing durable: no sync of a position already durable.
      t.beat("a", 0.3);
      t.beat("a", 0.1);
      t.fleet.dispatcher().status(TaskId.of("nothing"));
      assertEquals(position, journal.position());
      assertEquals(before, journal.calls.size(), journal.calls.toString());
    }
  }

  @Test
  void aSnapshotIsTakenOnlyOnceEnoughRecordsPiledUpSinceTheLastOne() {
    Recording journal = new Recording(new MemoryJournal());
    int every = 6;
    try (TestFleet t = new TestFleet(b -> b.journal(journal).snapshotEvery(every))) {
      register(t, "a");
      t.beat("a", 0.95);
      long first = journal.position();
      assertTrue(first < every, "test setup: " + first + " records");
      t.advance(Duration.ofMillis(1));
      assertEquals(0, journal.snapshots(), journal.calls.toString());
      int i = 0;
      while (journal.position() < every) {
        t.fleet.dispatcher().submit(Task.newBuilder("t" + i++).requires("x").build());
      }
      long reached = journal.position();
      assertEquals(0, journal.snapshots(), "snapshots run on the scheduler, not under the caller");
      t.advance(Duration.ofMillis(1));
      assertEquals(List.of("snapshot " + reached), journal.calls.stream().filter(c -> c.startsWith("snap")).toList());
      // The snapshot was made durable first: the sync before it covers its position.
      int at = journal.calls.indexOf("snapshot " + reached);
      assertTrue(journal.calls.subList(0, at).contains("sync " + reached), journal.calls.toString());

      // One more record is not enough for another snapshot.
      t.fleet.dispatcher().submit(Task.newBuilder("t" + i++).requires("x").build());
      t.advance(Duration.ofMillis(1));
      assertEquals(1, journal.snapshots(), journal.calls.toString());
      while (journal.position() < reached + every - 1) {
        t.fleet.dispatcher().submit(Task.newBuilder("t" + i++).requires("x").build());
      }
      t.advance(Duration.ofMillis(1));
      assertEquals(1, journal.snapshots(), "one short of " + every + " since the last: " + journal.calls);
      t.fleet.dispatcher().submit(Task.newBuilder("t" + i++).requires("x").build());
      t.advance(Duration.ofMillis(1));
      assertEquals(2, journal.snapshots(), journal.calls.toString());
    }
    assertEquals("close", journal.calls.get(journal.calls.size() - 1));
    try (TestFleet t = new TestFleet(b -> b.journal(journal.inner.crash()))) {
      assertEquals(TaskState.QUEUED, t.fleet.dispatcher().status(TaskId.of("t0")).orElseThrow().state());
      assertEquals(1, t.fleet.registry().size());
    }
  }

  @Test
  void withoutSnapshotEveryNoSnapshotIsEverTaken() {
    Recording journal = new Recording(new MemoryJournal());
    try (TestFleet t = new TestFleet(b -> b.journal(journal))) {
      register(t, "a");
      t.beat("a", 0.95);
      for (int i = 0; i < 20; i++) {
        t.fleet.dispatcher().submit(Task.newBuilder("t" + i).requires("x").build());
      }
      t.advance(Duration.ofSeconds(1));
      assertEquals(0, journal.snapshots());
    }
  }
}
