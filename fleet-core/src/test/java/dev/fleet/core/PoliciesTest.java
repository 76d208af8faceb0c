package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.Signals;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.Weight;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PoliciesTest {
  private long seq;

  private static Signals power(boolean battery, int percent) {
    return new Signals(battery, OptionalInt.of(percent), false, Optional.empty(), Map.of());
  }

  private void beat(TestFleet t, String id, double load, Signals s) {
    t.fleet.monitor().heartbeat(new Heartbeat(MachineId.of(id), ++seq, load, s));
  }

  private static Task heavy(String id) {
    return Task.newBuilder(id).requires("x").weight(Weight.HEAVY).build();
  }

  private static MachineId where(Decision d) {
    return assertInstanceOf(Decision.Dispatched.class, d).machine();
  }

  @Test
  void heavyWorkAvoidsALaptopOnBatteryAndComesBackWhenItIsChargedEnough() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("laptop", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("desktop", "r", "x"));
      beat(t, "laptop", 0.0, power(true, 23));
      beat(t, "desktop", 0.7, Signals.NONE);
      assertEquals(MachineId.of("desktop"), where(t.fleet.dispatcher().plan(heavy("h"))));
      assertEquals(MachineId.of("laptop"), where(t.fleet.dispatcher().plan(Task.newBuilder("n").requires("x").build())),
          "normal work may still use it");

      beat(t, "desktop", 0.9, Signals.NONE);
      Decision waits = t.fleet.dispatcher().submit(heavy("h"));
      assertEquals("0/2 machines fit: 1 at load 0.90 >= 0.80, 1 on battery or recharging", waits.why().summary());
      assertTrue(waits.why().unblockers().contains("runs when laptop is on AC power with at least 40% charge"),
          waits.why().unblockers().toString());

      beat(t, "laptop", 0.0, power(false, 23)); // plugged in, but still low: hysteresis holds
      assertEquals(TaskState.QUEUED, t.fleet.dispatcher().status(TaskId.of("h")).orElseThrow().state());
      beat(t, "laptop", 0.0, power(false, 40)); // charged enough: the queue is re-evaluated at once
      assertEquals(MachineId.of("laptop"), t.fleet.dispatcher().status(TaskId.of("h")).orElseThrow().machine()
          .orElseThrow());
    }
  }

  @Test
  void aThrottlingMachineGetsNoHeavyWorkAndCountsAsLessCapacity() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("hot", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("cool", "r", "x"));
      Signals hot = new Signals(false, OptionalInt.empty(), true, Optional.empty(), Map.of("cpu.clock_ratio", 0.5));
      beat(t, "hot", 0.3, hot);       // counts as 0.6
      beat(t, "cool", 0.5, Signals.NONE);
      assertEquals(MachineId.of("cool"), where(t.fleet.dispatcher().plan(Task.newBuilder("n").requires("x").build())));
      beat(t, "cool", 0.79, Signals.NONE);
      assertEquals(MachineId.of("hot"), where(t.fleet.dispatcher().plan(Task.newBuilder("n").requires("x").build())));
      assertEquals(MachineId.of("cool"), where(t.fleet.dispatcher().plan(heavy("h"))));
    }
  }

  @Test
  void backgroundWorkWaitsForTheOwnerToLeaveAndMovesWhenTheyReturn() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("desk", "r", "x"));
      Signals busy = new Signals(false, OptionalInt.empty(), false, Optional.of(Duration.ofSeconds(20)), Map.of());
      Signals away = new Signals(false, OptionalInt.empty(), false, Optional.of(Duration.ofMinutes(12)), Map.of());
      beat(t, "desk", 0.1, busy);
      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("embed").requires("x").priority(Priority.BACKGROUND)
          .build());
      assertEquals("0/1 machines fit: 1 with their owner active", d.why().summary());
      assertEquals(List.of("runs when the owner of desk has been away 10min"), d.why().unblockers());

      beat(t, "desk", 0.1, away);
      assertEquals(TaskState.DISPATCHED, t.fleet.dispatcher().status(TaskId.of("embed")).orElseThrow().state());

      beat(t, "desk", 0.2, busy);
      var s = t.fleet.dispatcher().status(TaskId.of("embed")).orElseThrow();
      assertEquals(TaskState.QUEUED, s.state());
      assertEquals("attempt 1 on desk: the owner of desk returned", s.attempts().get(0).toString());
    }
  }

  @Test
  void quietHoursLetBackgroundWorkRunWhileTheOwnerIsActive() {
    Instant night = Instant.parse("2026-11-23T23:30:00Z");   // 00:30 in Paris
    try (TestFleet t = new TestFleet(b -> b.wallClock(() -> night))) {
      Machine desk = TestFleet.machine("desk", "r", "x").withLabel("quiet-hours", "23:00-07:00")
          .withLabel("timezone", "Europe/Paris");
      t.fleet.registry().register(desk);
      beat(t, "desk", 0.1, new Signals(false, OptionalInt.empty(), false, Optional.of(Duration.ZERO), Map.of()));
      assertEquals(desk.id(), where(t.fleet.dispatcher().plan(Task.newBuilder("b").requires("x")
          .priority(Priority.BACKGROUND).build())));
    }
  }

  @Test
  void aBadQuietHoursLabelIsRefusedAndNothingIsStored() {
    try (TestFleet t = new TestFleet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fleet.registry().register(
          TestFleet.machine("desk", "r", "x").withLabel("quiet-hours", "late")));
      assertEquals("label quiet-hours 'late' is not a window such as 22:00-07:00", e.getMessage());
      assertEquals(0, t.fleet.registry().size());
    }
  }

  @Test
  void heavyWorkGoesToAThinClientOnlyWhenNothingElseCanTakeIt() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("tablet", "interface", "x"));
      t.fleet.registry().register(TestFleet.machine("server", "batch", "x"));
      t.beat("server", 0.6);
      assertEquals(MachineId.of("server"), where(t.fleet.dispatcher().plan(heavy("h"))));
      t.beat("server", 0.85);
      Decision d = t.fleet.dispatcher().plan(heavy("h"));
      assertEquals(MachineId.of("tablet"), where(d));
      assertTrue(d.why().summary().endsWith("a thin client, as nothing else fits heavy work"), d.why().summary());
    }
  }

  @Test
  void anUrgentTaskMayPreemptBackgroundWorkWhenPreemptionIsOn() {
    try (TestFleet t = new TestFleet(b -> b.preemption(3).loadPerTask(0.4))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      for (Task task : List.of(Task.newBuilder("bg").requires("x").priority(Priority.BACKGROUND).build(),
          Task.newBuilder("normal").requires("x").build())) {
        Decision.Dispatched running = (Decision.Dispatched) t.fleet.dispatcher().submit(task);
        t.fleet.dispatcher().started(task.id(), running.token());
      }
      t.beat("a", 0.96); // reports both tasks' load
      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("fire").requires("x").priority(Priority.URGENT).build());
      assertEquals(MachineId.of("a"), where(d));
      assertTrue(d.why().summary().endsWith("preempted bg to make room"), d.why().summary());
      var bg = t.fleet.dispatcher().status(TaskId.of("bg")).orElseThrow();
      assertEquals("attempt 1 on a: preempted by urgent task fire on a", bg.attempts().get(0).toString());
      assertEquals(TaskState.RUNNING, t.fleet.dispatcher().status(TaskId.of("normal")).orElseThrow().state(),
          "normal work is only 2 levels below urgent, so it keeps running");
    }
  }

  @Test
  void withoutPreemptionAnUrgentTaskWaits() {
    try (TestFleet t = new TestFleet(b -> b.loadPerTask(0.4))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.dispatcher().submit(Task.newBuilder("bg").requires("x").priority(Priority.BACKGROUND).build());
      t.beat("a", 0.96);
      assertInstanceOf(Decision.Queued.class,
          t.fleet.dispatcher().submit(Task.newBuilder("fire").requires("x").priority(Priority.URGENT).build()));
    }
  }

  @Test
  void agingLetsALongWaitingLowTaskOvertakeNewerHighOnes() {
    try (TestFleet t = new TestFleet(b -> b.agingStep(Duration.ofMinutes(1)).loadPerTask(0.8))) {
      t.fleet.dispatcher().submit(Task.newBuilder("old-low").requires("x").priority(Priority.LOW).build());
      t.ticker.advance(Duration.ofMinutes(2));          // LOW aged two levels: now ranks as HIGH, and older
      t.fleet.dispatcher().submit(Task.newBuilder("new-high").requires("x").priority(Priority.HIGH).build());
      assertEquals(List.of("old-low", "new-high"),
          t.fleet.dispatcher().queue().stream().map(s -> s.id().value()).toList());
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      assertEquals(TaskState.DISPATCHED, t.fleet.dispatcher().status(TaskId.of("old-low")).orElseThrow().state());
      assertEquals(TaskState.QUEUED, t.fleet.dispatcher().status(TaskId.of("new-high")).orElseThrow().state());
    }
  }
}
