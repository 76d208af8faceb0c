package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Assignment;
import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.spi.DurablePart;
import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import dev.fleet.spi.Transport;
import dev.fleet.testing.ForwardingJournal;
import dev.fleet.testing.MemoryJournal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fleet with a journal: what it says after a restart, when it answers, and how it stops when the disk fails. */
class DurableFleetTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  /** A transport that remembers what it was told. */
  static final class Recorder implements Transport {
    final List<Assignment> delivered = new CopyOnWriteArrayList<>();
    final List<Assignment> withdrawn = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(Assignment a) {
      delivered.add(a);
    }

    @Override
    public void withdraw(Assignment a, String reason) {
      withdrawn.add(a);
    }
  }

  private static TestFleet fleet(Journal journal, Transport transport) {
    return new TestFleet(b -> b.journal(journal).transport(transport));
  }

  private static Task task(String id) {
    return Task.newBuilder(id).requires("cpu").build();
  }

  @Test
  void aRestartedFleetKnowsItsMachinesAndTasksAndHearsFromMachinesBeforeGivingThemWork() {
    MemoryJournal journal = new MemoryJournal();
    long token;
    try (TestFleet t = fleet(journal, new Recorder())) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.1);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(task("t1")));
      token = d.token();
      t.fleet.dispatcher().started(TaskId.of("t1"), token);
    }
    Recorder transport = new Recorder();
    try (TestFleet t = fleet(journal.crash(), transport)) {
      assertEquals(Health.UNKNOWN, t.fleet.monitor().health(A));
      assertEquals(TaskState.RUNNING, t.fleet.dispatcher().status(TaskId.of("t1")).orElseThrow().state());
      // The attempt in flight is handed to the transport again, with its token, so the agent can be told.
      assertEquals(List.of(token), transport.delivered.stream().map(Assignment::token).toList());
      // Not heard from yet: new work waits.
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(task("t2")));
      assertTrue(t.fleet.dispatcher().explain(TaskId.of("t2")).render().contains("a"));
      // The same agent run continues its numbering: it is back, and the queue moves.
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 5, 0.1));
      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
      assertEquals(TaskState.DISPATCHED, t.fleet.dispatcher().status(TaskId.of("t2")).orElseThrow().state());
      // The result of the attempt that ran through the restart is accepted once.
      t.fleet.dispatcher().complete(TaskId.of("t1"), token, TaskResult.success());
      assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(TaskId.of("t1"), token, TaskResult.success()));
      assertTrue(t.events(FleetEvent.HealthChanged.class).stream()
          .anyMatch(e -> e.to() == Health.UNKNOWN && e.reason().contains("restart")));
    }
  }

  @Test
  void aMachineSilentPastTheOfflineTimeoutAfterARestartLosesItsWorkToAnother() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal, new Recorder())) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.1);
      t.fleet.dispatcher().submit(task("t1"));
    }
    try (TestFleet t = fleet(journal.crash(), new Recorder())) {
      t.fleet.registry().register(TestFleet.machine("b", "worker", "cpu"));
      t.advance(Duration.ofSeconds(20));
      assertEquals(Health.UNKNOWN, t.fleet.monitor().health(A), "not offline within the grace");
      t.fleet.monitor().heartbeat(Heartbeat.of(B, 1, 0.0));
      t.advance(Duration.ofSeconds(15));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      var s = t.fleet.dispatcher().status(TaskId.of("t1")).orElseThrow();
      assertEquals(Optional.of(B), s.machine());
      assertEquals(2, s.attempt());
    }
  }

  @Test
  void anAgentThatRestartedWhileTheFleetWasDownHasItsAttemptsMoved() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal, new Recorder())) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.fleet.registry().register(TestFleet.machine("b", "worker", "cpu"));
      t.beat("a", 0.1);
      t.beat("b", 0.9);
      t.fleet.dispatcher().submit(task("t1"));
    }
    Recorder transport = new Recorder();
    try (TestFleet t = fleet(journal.crash(), transport)) {
      t.fleet.monitor().heartbeat(Heartbeat.of(B, 9, 0.1));
      // Numbered 0: a new run of a's agent, which knows nothing of t1.
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 0, 0.1));
      assertEquals(1, transport.withdrawn.size());
      assertEquals(TaskState.QUEUED, t.fleet.dispatcher().status(TaskId.of("t1")).orElseThrow().state());
      t.advance(Duration.ofSeconds(2)); // its reschedule delay
      var s = t.fleet.dispatcher().status(TaskId.of("t1")).orElseThrow();
      assertEquals(Optional.of(B), s.machine());
      assertEquals(2, s.attempt());
    }
  }

  @Test
  void rotationsRemovalsAndDrainsHoldAcrossRestarts() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal, new Recorder())) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.fleet.registry().register(TestFleet.machine("b", "worker", "cpu"));
      t.fleet.registry().drain(A, Duration.ofMinutes(5));
      t.fleet.registry().deregister(B);
    }
    try (TestFleet t = fleet(journal.crash(), new Recorder())) {
      assertEquals(List.of(A), t.fleet.registry().list().stream().map(s -> s.id()).toList());
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 3, 0.0));
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A), "a drained machine comes back draining");
    }
  }

  @Test
  void aFailedSyncStopsTheFleetAndNothingAcknowledgedIsLost() {
    MemoryJournal journal = new MemoryJournal();
    Recorder transport = new Recorder();
    try (TestFleet t = fleet(journal, transport)) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.1);
      t.fleet.dispatcher().submit(task("kept"));
      int told = transport.delivered.size();
      journal.failNextSync("disk full");
      JournalException e = assertThrows(JournalException.class, () -> t.fleet.dispatcher().submit(task("lost")));
      assertTrue(e.getMessage().contains("disk full"), e.getMessage());
      assertEquals(told, transport.delivered.size(), "an attempt that was never kept is never delivered");
      JournalException later = assertThrows(JournalException.class, () -> t.fleet.dispatcher().submit(task("x")));
      assertTrue(later.getMessage().contains("takes no more changes"), later.getMessage());
      assertThrows(JournalException.class, () -> t.fleet.monitor().heartbeat(Heartbeat.of(A, 9, 0.0)));
    }
    try (TestFleet t = fleet(journal.crash(), new Recorder())) {
      assertTrue(t.fleet.dispatcher().status(TaskId.of("kept")).isPresent());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("lost")).isEmpty());
    }
  }

  @Test
  void nothingIsDeliveredBeforeItsChangeIsOnDisk() throws Exception {
    CountDownLatch syncing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MemoryJournal inner = new MemoryJournal();
    java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean();
    ForwardingJournal slow = new ForwardingJournal(inner) {
      @Override
      public void sync(long position) {
        if (hold.get()) {
          syncing.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        super.sync(position);
      }
    };
    Recorder transport = new Recorder();
    try (TestFleet t = fleet(slow, transport)) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.1);
      hold.set(true);
      Thread submitter = new Thread(() -> t.fleet.dispatcher().submit(task("t1")));
      submitter.start();
      assertTrue(syncing.await(10, TimeUnit.SECONDS));
      // A heartbeat meanwhile flushes events without waiting for the sync: the undurable delivery must wait.
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 100, 0.1));
      assertTrue(transport.delivered.isEmpty(), "delivered before it was on disk: " + transport.delivered);
      release.countDown();
      submitter.join(10_000);
      assertEquals(1, transport.delivered.size());
    }
  }

  /** A durable part whose state is a list of strings. */
  static final class Notes implements DurablePart {
    final List<String> notes = new ArrayList<>();
    Consumer<byte[]> append;

    @Override
    public String name() {
      return "test.notes";
    }

    @Override
    public void attach(Consumer<byte[]> durableAppend) {
      append = durableAppend;
    }

    @Override
    public void replay(byte[] record) {
      notes.add(new String(record, StandardCharsets.UTF_8));
    }

    @Override
    public void snapshot(Consumer<byte[]> out) {
      notes.forEach(n -> out.accept(n.getBytes(StandardCharsets.UTF_8)));
    }

    void add(String note) {
      append.accept(note.getBytes(StandardCharsets.UTF_8));
      notes.add(note);
    }
  }

  @Test
  void aDurablePartKeepsItsStateInTheFleetsJournalAndSnapshots() {
    MemoryJournal journal = new MemoryJournal();
    Notes notes = new Notes();
    try (TestFleet t = new TestFleet(b -> b.journal(journal).durablePart(notes).snapshotEvery(3))) {
      notes.add("one");
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      notes.add("two");
      notes.add("three");
      t.advance(Duration.ofSeconds(1)); // the snapshot runs on the scheduler
      notes.add("four");
      assertTrue(journal.snapshots() > 0);
    }
    Notes again = new Notes();
    try (TestFleet t = new TestFleet(b -> b.journal(journal.crash()).durablePart(again))) {
      assertEquals(List.of("one", "two", "three", "four"), again.notes);
      assertEquals(1, t.fleet.registry().size());
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new TestFleet(b -> b.journal(journal.crash())));
    assertTrue(e.getMessage().contains("test.notes"), e.getMessage());
  }

  @Test
  void aBackupRestoresIntoAFleetWithTheSameState(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream backup = new ByteArrayOutputStream();
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.1);
      t.fleet.dispatcher().submit(task("t1"));
      t.fleet.dispatcher().submit(Task.newBuilder("t2").requires("gpu").build());
      t.fleet.backup(backup);
    }
    Path file = dir.resolve("fleet.backup");
    Files.write(file, backup.toByteArray());
    FileJournal.restore(file, dir.resolve("journal"));
    try (TestFleet t = new TestFleet(b -> b.journal(FileJournal.newBuilder(dir.resolve("journal")).build()))) {
      assertEquals(TaskState.DISPATCHED, t.fleet.dispatcher().status(TaskId.of("t1")).orElseThrow().state());
      assertEquals(List.of(TaskId.of("t2")), t.fleet.dispatcher().queue().stream().map(s -> s.task().id()).toList());
    }
    List<byte[]> read = new ArrayList<>();
    FileJournal.readBackup(new ByteArrayInputStream(backup.toByteArray()), read::add);
    assertEquals(3, read.size(), "a machine and two tasks, and nothing else");
  }

  @Test
  void aBatchWaitsForTheDiskOnceAndDeliversOnlyAfterIt() {
    MemoryJournal journal = new MemoryJournal();
    Recorder transport = new Recorder();
    try (TestFleet t = fleet(journal, transport)) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.0);
      long before = journal.syncs();
      int told = transport.delivered.size();
      List<Decision> decisions = t.fleet.batch(() -> {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          out.add(t.fleet.dispatcher().submit(task("b" + i)));
        }
        // Inside the batch nothing is on disk yet, so nothing is delivered either.
        assertEquals(before, journal.syncs());
        assertEquals(told, transport.delivered.size());
        return out;
      });
      assertEquals(5, decisions.size());
      assertEquals(before + 1, journal.syncs(), "one sync for the batch");
      assertEquals(journal.position(), journal.durablePosition());
      assertEquals(told + 5, transport.delivered.size());
    }
  }

  @Test
  void aBatchOnAFailedJournalThrowsEvenIfItsWorkReturned() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(journal, new Recorder())) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      journal.failNextSync("disk gone");
      JournalException e = assertThrows(JournalException.class,
          () -> t.fleet.batch(() -> t.fleet.dispatcher().submit(task("x"))));
      assertTrue(e.getMessage().contains("disk gone"), e.getMessage());
    }
  }

  @Test
  void durablePartsAndSnapshotsNeedAJournal() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Fleets.newBuilder().durablePart(new Notes()).build());
    assertTrue(e.getMessage().contains("journal"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Fleets.newBuilder().snapshotEvery(-1));
  }
}
