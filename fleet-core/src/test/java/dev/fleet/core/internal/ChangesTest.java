package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.fleet.Decision;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.OwnerReturnPolicy;
import dev.fleet.Priority;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Signals;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.core.Detectors;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The fleet tells its {@link Changes} of every durable change, in order, so a journal cannot silently miss one. */
class ChangesTest {
  private static final Instant BASE = Instant.parse("2026-11-23T14:00:00Z");

  /** Writes each change as one line: "assigned job#1 a". */
  static final class Recording implements Changes {
    final List<String> lines = new ArrayList<>();

    private static String task(TaskRecord r) {
      return r.task.id() + "#" + r.attempt + (r.machine == null ? "" : " " + r.machine.id());
    }

    @Override public void machineRegistered(MachineSlot s) { lines.add("registered " + s.id()); }
    @Override public void machineUpdated(MachineSlot s) { lines.add("updated " + s.id()); }
    @Override public void machineRemoved(MachineId id) { lines.add("removed " + id); }
    @Override public void drainChanged(MachineSlot s) { lines.add("drain " + s.id() + " " + s.drainRequested); }
    @Override public void asleep(MachineSlot s) { lines.add("asleep " + s.id()); }
    @Override public void departed(MachineSlot s) { lines.add("departed " + s.id()); }
    @Override public void returned(MachineSlot s) { lines.add("returned " + s.id()); }
    @Override public void submitted(TaskRecord r) { lines.add("submitted " + r.task.id()); }
    @Override public void assigned(TaskRecord r) { lines.add("assigned " + task(r)); }
    @Override public void started(TaskRecord r) { lines.add("started " + task(r)); }
    @Override public void requeued(TaskRecord r, String reason) { lines.add("requeued " + r.task.id() + ": " + reason); }
    @Override public void paused(TaskRecord r) { lines.add("paused " + task(r)); }
    @Override public void resumed(TaskRecord r) { lines.add("resumed " + task(r)); }
    @Override public void finished(TaskRecord r) { lines.add("finished " + r.task.id() + " " + r.state); }
  }

  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final Recording changes = new Recording();
  private long seq;

  private FleetCore fleet(int maxQueued) {
    FleetConfig config = config(0.1, 0, maxQueued);
    FleetCore f = new FleetCore(config, changes);
    f.start();
    return f;
  }

  private FleetConfig config(double loadPerTask, int preemptionGap, int maxQueued) {
    return new FleetConfig(
        new FleetConfig.Clocks(ticker, () -> BASE.plusNanos(ticker.read()), Runnable::run, scheduler),
        new FleetConfig.Heartbeats(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
            Detectors.fixedTimeout(Duration.ofSeconds(10), Duration.ofSeconds(20)), Duration.ofMinutes(2)),
        FleetConfig.Pruning.OFF,
        new FleetConfig.Placement(LeastLoaded.INSTANCE, 0.8, 0.95, loadPerTask, Duration.ofMinutes(5), preemptionGap,
            Duration.ofMinutes(1)),
        new FleetConfig.Owners(20, 40, Duration.ofMinutes(10)),
        new FleetConfig.Limits(maxQueued, 1000, Duration.ofHours(1), PayloadBudget.DEFAULT),
        null, List.of());
  }

  private static Machine machine(String id) {
    return new Machine(MachineId.of(id), id + ".local", "r", new LinkedHashSet<>(List.of("x")), Specs.NONE, Map.of());
  }

  private static Task task(String id) {
    return Task.newBuilder(id).requires("x").reschedule(ReschedulePolicy.constant(Duration.ZERO)).build();
  }

  private void beat(FleetCore f, String m, Signals s) {
    f.monitor().heartbeat(new Heartbeat(MachineId.of(m), ++seq, 0.0, s));
  }

  @Test
  void aTaskRunsToItsEnd() {
    try (FleetCore f = fleet(10)) {
      f.registry().register(machine("a"));
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, f.dispatcher().submit(task("job")));
      f.dispatcher().started(d.task().id(), d.token());
      f.dispatcher().complete(d.task().id(), d.token(), TaskResult.success());
      assertEquals(List.of("registered a", "submitted job", "assigned job#1 a", "started job#1 a",
          "finished job SUCCEEDED"), changes.lines);
    }
  }

  @Test
  void workOfAMachineThatGoesOfflineIsRequeuedAndAssignedElsewhere() {
    try (FleetCore f = fleet(10)) {
      f.registry().register(machine("a"));
      f.dispatcher().submit(task("job"));
      f.registry().register(machine("b"));
      for (int i = 0; i < 6; i++) { // a falls silent; b keeps talking
        scheduler.advance(Duration.ofSeconds(5));
        beat(f, "b", Signals.NONE);
      }
      assertEquals(List.of("registered a", "submitted job", "assigned job#1 a", "registered b",
          "requeued job: a went offline", "assigned job#2 b"), changes.lines);
      f.registry().deregister(MachineId.of("a"));
      assertEquals("removed a", changes.lines.get(changes.lines.size() - 1));
    }
  }

  @Test
  void aCancelledOrExpiredWaitingTaskFinishesAndARejectedOneIsNeverAccepted() {
    try (FleetCore f = fleet(1)) {
      assertInstanceOf(Decision.Queued.class, f.dispatcher().submit(task("waits")));
      assertInstanceOf(Decision.Rejected.class, f.dispatcher().submit(task("refused")));
      f.dispatcher().cancel(TaskId.of("waits"));
      f.dispatcher().submit(Task.newBuilder("late").requires("x").deadline(Duration.ofSeconds(3)).build());
      scheduler.advance(Duration.ofSeconds(5));
      assertEquals(List.of("submitted waits", "finished waits CANCELLED", "submitted late", "finished late CANCELLED"),
          changes.lines);
    }
  }

  @Test
  void drainsSleepAndUpdatesAreMachineChanges() {
    try (FleetCore f = fleet(10)) {
      f.registry().register(machine("a"));
      f.registry().drain(MachineId.of("a"));
      f.registry().undrain(MachineId.of("a"));
      f.registry().update(new Machine(MachineId.of("a"), "a.lan", "r", new LinkedHashSet<>(List.of("x")), Specs.NONE, Map.of()));
      f.registry().drainForShutdown(MachineId.of("a"), Duration.ofMinutes(1));
      scheduler.advance(Duration.ofSeconds(30)); // silent: offline
      beat(f, "a", Signals.NONE); // back from being offline: the drain for shutdown is over
      f.monitor().announceSleep(MachineId.of("a"));
      assertEquals(List.of("registered a", "drain a true", "drain a false", "updated a", "drain a true",
          "drain a false", "asleep a"), changes.lines);
    }
  }

  @Test
  void aLeaveAndTheReturnAfterItAreMachineChangesAndTheMovedWorkIsTooInOrder() {
    try (FleetCore f = fleet(10)) {
      f.registry().register(machine("a"));
      f.registry().register(machine("b"));
      beat(f, "a", Signals.NONE);
      beat(f, "b", Signals.NONE);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, f.dispatcher().submit(task("job")));
      assertEquals(MachineId.of("a"), d.machine());
      changes.lines.clear();
      f.monitor().announceLeave(d.machine());
      f.monitor().announceLeave(d.machine()); // away already: nothing new
      beat(f, "a", Signals.NONE);
      assertEquals(List.of("departed a", "requeued job: a left", "assigned job#2 b", "returned a"), changes.lines);
    }
  }

  @Test
  void backgroundWorkPausesWhenTheOwnerReturnsAndResumesWhenTheyLeave() {
    Signals away = new Signals(false, OptionalInt.empty(), false, Optional.of(Duration.ofMinutes(12)), Map.of());
    Signals active = new Signals(false, OptionalInt.empty(), false, Optional.of(Duration.ofSeconds(20)), Map.of());
    try (FleetCore f = fleet(10)) {
      f.registry().register(machine("a"));
      beat(f, "a", away);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, f.dispatcher().submit(Task.newBuilder("bg").requires("x")
          .priority(Priority.BACKGROUND).onOwnerReturn(OwnerReturnPolicy.PAUSE).build()));
      f.dispatcher().started(d.task().id(), d.token());
      beat(f, "a", active);
      beat(f, "a", away);
      assertEquals(List.of("registered a", "submitted bg", "assigned bg#1 a", "started bg#1 a", "paused bg#1 a",
          "resumed bg#1 a"), changes.lines);
    }
  }

  @Test
  void anUrgentTaskPreemptsAndTheVictimIsRequeued() {
    try (FleetCore f = new FleetCore(config(0.4, 3, 10), changes)) {
      f.registry().register(machine("a"));
      for (String id : List.of("bg", "normal")) {
        Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, f.dispatcher().submit(Task.newBuilder(id)
            .requires("x").priority(id.equals("bg") ? Priority.BACKGROUND : Priority.NORMAL).build()));
        f.dispatcher().started(d.task().id(), d.token());
      }
      f.monitor().heartbeat(new Heartbeat(MachineId.of("a"), ++seq, 0.96, Signals.NONE)); // reports both tasks' load
      f.dispatcher().submit(Task.newBuilder("fire").requires("x").priority(Priority.URGENT).build());
      assertEquals(List.of("registered a", "submitted bg", "assigned bg#1 a", "started bg#1 a",
          "submitted normal", "assigned normal#1 a", "started normal#1 a", "requeued bg: preempted by urgent task fire on a", "submitted fire",
          "assigned fire#1 a"), changes.lines);
    }
  }
}
