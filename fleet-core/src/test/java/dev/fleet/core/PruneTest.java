package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.MemoryJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pruning: machines never heard from after registering, and machines silent too long, are removed by the sweep
 * with a reason, their work moved, and a restart from the journal does not bring them back.
 */
class PruneTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  private static List<String> ids(Fleet f) {
    return f.registry().list().stream().map(s -> s.id().value()).toList();
  }

  private static List<FleetEvent.HealthChanged> pruned(TestFleet t) {
    return t.events(FleetEvent.HealthChanged.class).stream()
        .filter(e -> e.to() == Health.LEFT && e.reason().startsWith("pruned: ")).toList();
  }

  /** Heartbeats from the named machines every interval (5 s) for {@code d}. */
  private static void keepBeating(TestFleet t, Duration d, String... ids) {
    for (long left = d.toMillis(); left > 0; left -= 5_000) {
      t.advance(Duration.ofMillis(Math.min(5_000, left)));
      for (String id : ids) {
        t.beat(id, 0.1);
      }
    }
  }

  @Test
  void machinesNeverHeardFromAfterRegisteringArePrunedWhenTheirTimeIsUpAndNotBefore() {
    try (TestFleet t = new TestFleet(b -> b.pruneNeverHeardAfter(Duration.ofMinutes(1)))) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.1);
      for (int i = 0; i < 3; i++) {
        t.fleet.registry().register(TestFleet.machine("junk-" + i, "worker", "cpu"));
      }
      keepBeating(t, Duration.ofSeconds(55), "a");
      t.advance(Duration.ofMillis(4_999));
      assertEquals(List.of("a", "junk-0", "junk-1", "junk-2"), ids(t.fleet), "not before their minute is up");
      assertTrue(pruned(t).isEmpty());

      t.advance(Duration.ofMillis(1)); // the sweep wakes for the prune itself, not at its next round
      assertEquals(List.of("a"), ids(t.fleet));
      List<FleetEvent.HealthChanged> events = pruned(t);
      assertEquals(List.of("junk-0", "junk-1", "junk-2"), events.stream().map(e -> e.machine().value()).toList());
      assertEquals("pruned: never heard from in the 1min since it registered (pruneNeverHeardAfter 1min)",
          events.get(0).reason());
      assertEquals(Health.OFFLINE, events.get(0).from());
      assertEquals(Optional.of(Duration.ofMinutes(1)), t.fleet.monitor().pruneNeverHeardAfter());
      assertEquals(Optional.empty(), t.fleet.monitor().pruneOfflineAfter());
    }
  }

  @Test
  void aMachineHeardOnceIsNotPrunedAsNeverHeardAndPruningIsOffByDefault() {
    try (TestFleet t = new TestFleet(b -> b.pruneNeverHeardAfter(Duration.ofMinutes(1)))) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.beat("a", 0.1);
      t.advance(Duration.ofHours(2));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      assertEquals(List.of("a"), ids(t.fleet), "silent, but it was heard from: only pruneOfflineAfter removes it");
    }
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.advance(Duration.ofDays(30));
      assertEquals(List.of("a"), ids(t.fleet));
      assertEquals(Optional.empty(), t.fleet.monitor().pruneNeverHeardAfter());
      assertTrue(t.fleet.describeRules().contains("A machine stays registered until it is removed"));
    }
  }

  @Test
  void anOfflineMachineIsPrunedAfterItsSilenceAndAnAsleepOnesWaitingWorkMoves() {
    Consumer<FleetBuilder> config = b -> b.pruneOfflineAfter(Duration.ofMinutes(10));
    try (TestFleet t = new TestFleet(config)) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.fleet.registry().register(TestFleet.machine("b", "worker", "cpu"));
      t.beat("a", 0.1);
      t.beat("b", 0.5);
      // Waits for its machine however long it sleeps: only the prune moves it.
      Task task = Task.newBuilder("t1").requires("cpu").reschedule(ReschedulePolicy.constant(Duration.ZERO)
          .withAsleepGrace(ReschedulePolicy.WAIT_FOREVER)).build();
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(task));
      assertEquals(A, d.machine());
      t.fleet.monitor().announceSleep(A);
      keepBeating(t, Duration.ofSeconds(595), "b");
      t.advance(Duration.ofMillis(4_999));
      assertEquals(Health.ASLEEP, t.fleet.monitor().health(A));
      assertEquals(Optional.of(A), t.fleet.dispatcher().status(TaskId.of("t1")).orElseThrow().machine());

      t.advance(Duration.ofMillis(1));
      assertEquals(List.of("b"), ids(t.fleet));
      FleetEvent.HealthChanged e = pruned(t).get(0);
      assertEquals(A, e.machine());
      assertEquals(Health.ASLEEP, e.from());
      assertEquals("pruned: asleep and silent for 10min (pruneOfflineAfter 10min)", e.reason());
      TaskStatus s = t.fleet.dispatcher().status(TaskId.of("t1")).orElseThrow();
      assertEquals(Optional.of(B), s.machine(), "its work moved as for a removal");
      assertEquals(2, s.attempt());
      assertTrue(t.fleet.describeRules().contains("offline or asleep and silent for 10min"), t.fleet.describeRules());

      // A machine found offline goes the same way, counted from its last heartbeat.
      t.fleet.registry().register(TestFleet.machine("c", "worker", "cpu"));
      t.beat("c", 0.1);
      keepBeating(t, Duration.ofSeconds(300), "b");
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(MachineId.of("c")));
      keepBeating(t, Duration.ofSeconds(300), "b");
      assertEquals(List.of("b"), ids(t.fleet));
      assertEquals("pruned: offline and silent for 10min (pruneOfflineAfter 10min)", pruned(t).get(1).reason());
    }
  }

  @Test
  void aPruneIsJournaledLikeARemovalAndRestoredMachinesAreJudgedBySilenceOnly() {
    MemoryJournal journal = new MemoryJournal();
    Consumer<FleetBuilder> config = b -> b.journal(journal).pruneNeverHeardAfter(Duration.ofMinutes(1))
        .pruneOfflineAfter(Duration.ofMinutes(10));
    try (TestFleet t = new TestFleet(config)) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.fleet.registry().register(TestFleet.machine("b", "worker", "cpu"));
      t.beat("b", 0.1);
      t.advance(Duration.ofSeconds(30));
      t.fleet.registry().register(TestFleet.machine("kept", "worker", "cpu")); // never heard; a restart comes
      t.beat("b", 0.1);
      t.advance(Duration.ofSeconds(30));
      assertEquals(List.of("b", "kept"), ids(t.fleet), "a pruned, 'kept' has 30 s left");
    }
    try (TestFleet t = new TestFleet(b -> b.journal(journal.crash()).pruneNeverHeardAfter(Duration.ofMinutes(1))
        .pruneOfflineAfter(Duration.ofMinutes(10)))) {
      assertEquals(List.of("b", "kept"), ids(t.fleet), "the prune was replayed: a stays out");
      t.fleet.monitor().heartbeat(Heartbeat.of(B, 1, 0.1));
      keepBeating(t, Duration.ofMinutes(5), "b");
      assertEquals(List.of("b", "kept"), ids(t.fleet),
          "whether 'kept' was heard before the restart is not known: the never-heard rule leaves it alone");
      keepBeating(t, Duration.ofMinutes(5), "b");
      assertEquals(List.of("b"), ids(t.fleet), "silent for 10 min since the restart");
    }
  }

  @Test
  void aPruneReplaysFromFilesAfterARestart(@TempDir Path dir) {
    FakeTicker ticker = new FakeTicker();
    try (TestFleet t = new TestFleet(b -> b.journal(FileJournal.newBuilder(dir).build())
        .pruneOfflineAfter(Duration.ofMinutes(10)))) {
      t.fleet.registry().register(TestFleet.machine("a", "worker", "cpu"));
      t.fleet.registry().register(TestFleet.machine("b", "worker", "cpu"));
      t.beat("a", 0.1);
      t.beat("b", 0.5);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class,
          t.fleet.dispatcher().submit(Task.newBuilder("t1").requires("cpu").build()));
      assertEquals(A, d.machine());
      keepBeating(t, Duration.ofMinutes(11), "b");
      assertEquals(List.of("b"), ids(t.fleet));
    }
    try (Fleet f = Fleets.newBuilder().ticker(ticker).journal(FileJournal.newBuilder(dir).build()).build()) {
      assertEquals(List.of("b"), ids(f), "the pruned machine stays out after a restart");
      TaskStatus s = f.dispatcher().status(TaskId.of("t1")).orElseThrow();
      assertEquals(Optional.of(B), s.machine());
      assertTrue(s.state() == TaskState.DISPATCHED || s.state() == TaskState.RUNNING, s.toString());
      MachineStatus b = f.registry().get(B).orElseThrow();
      assertEquals(Health.UNKNOWN, b.health());
    }
  }

  @Test
  void pruneSettingsAreCheckedAndNameTheirValues() {
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> Fleets.newBuilder().pruneOfflineAfter(Duration.ZERO));
    assertEquals("pruneOfflineAfter must be positive, got PT0S", zero.getMessage());
    IllegalStateException early = assertThrows(IllegalStateException.class,
        () -> Fleets.newBuilder().pruneNeverHeardAfter(Duration.ofSeconds(10)).build());
    assertEquals("pruneNeverHeardAfter PT10S must be at least offlineAfter PT30S: a machine is not removed before it "
        + "would be offline", early.getMessage());
    assertThrows(IllegalStateException.class, () -> Fleets.newBuilder().pruneOfflineAfter(Duration.ofMinutes(1))
        .pruneOfflineAfter(Duration.ofMinutes(2)));
    try (Fleet f = Fleets.newBuilder().ticker(new FakeTicker()).pruneOfflineAfter(Duration.ofSeconds(30)).build()) {
      assertFalse(f.monitor().pruneOfflineAfter().isEmpty(), "as long as offlineAfter is allowed");
    }
  }

  @Test
  void aMachineWhoseOnlyHeartbeatHadSequenceZeroWasHeardFromAndIsNotPrunedAsNeverHeard() {
    try (TestFleet t = new TestFleet(b -> b.pruneNeverHeardAfter(Duration.ofMinutes(1)))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 0, 0.1));
      t.advance(Duration.ofMinutes(5));
      assertEquals(List.of("a"), ids(t.fleet));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
    }
  }

  @Test
  void withOnlyTheOfflineRuleAMachineNeverHeardFromStaysUntilItsSilenceIsLongEnough() {
    try (TestFleet t = new TestFleet(b -> b.pruneOfflineAfter(Duration.ofMillis(47_500)))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.advance(Duration.ofSeconds(10));
      assertEquals(List.of("a"), ids(t.fleet));
      t.advance(Duration.ofMillis(37_499));
      assertEquals(List.of("a"), ids(t.fleet));
      t.advance(Duration.ofMillis(1));
      assertEquals(List.of(), ids(t.fleet), "pruned at exactly 47.5 s, between two sweeps of the 5 s interval");
    }
  }

  @Test
  void aNeverHeardMachineIsPrunedAtExactlyItsTimeEvenBetweenSweepsAndTheReasonShowsSubSecondTimes() {
    try (TestFleet t = new TestFleet(b -> b.pruneNeverHeardAfter(Duration.ofMillis(62_500)))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.advance(Duration.ofMillis(62_499));
      assertEquals(List.of("a"), ids(t.fleet));
      t.advance(Duration.ofMillis(1));
      assertEquals(List.of(), ids(t.fleet));
    }
    try (TestFleet t = new TestFleet(b -> b.heartbeatInterval(Duration.ofMillis(100)).suspectAfter(
        Duration.ofMillis(200)).offlineAfter(Duration.ofMillis(400)).pruneNeverHeardAfter(Duration.ofMillis(500)))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.advance(Duration.ofMillis(500));
      assertEquals(List.of(), ids(t.fleet));
      assertEquals("pruned: never heard from in the 0.500s since it registered (pruneNeverHeardAfter 0.500s)",
          pruned(t).get(0).reason());
    }
  }
}
