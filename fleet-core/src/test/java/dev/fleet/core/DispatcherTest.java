package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.StaleAttemptException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.UnknownTaskException;
import dev.fleet.Weight;
import dev.fleet.spi.PlacementStrategy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherTest {

  private static Task task(String id, String... caps) {
    return Task.newBuilder(id).requires(caps).build();
  }

  private static MachineId where(Decision d) {
    return assertInstanceOf(Decision.Dispatched.class, d).machine();
  }

  @Test
  void tiesGoToTheMachineRegisteredFirst() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      assertEquals(MachineId.of("b"), where(t.fleet.dispatcher().plan(task("t", "x"))));
    }
  }

  @Test
  void aTaskRequiringNothingGoesToTheLeastLoadedOfAllMachinesBeforeAndAfterTheFirstSuch() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "y"));
      t.beat("a", 0.5);
      t.beat("b", 0.3);
      assertEquals(MachineId.of("b"), where(t.fleet.dispatcher().plan(task("t1"))));
      t.fleet.registry().register(TestFleet.machine("c", "r", "z"));
      t.beat("c", 0.1);
      assertEquals(MachineId.of("c"), where(t.fleet.dispatcher().plan(task("t2"))));
      t.beat("a", 0.0);
      assertEquals(MachineId.of("a"), where(t.fleet.dispatcher().plan(task("t3"))));
      t.fleet.registry().deregister(MachineId.of("a"));
      assertEquals(MachineId.of("c"), where(t.fleet.dispatcher().plan(task("t4"))));
    }
  }

  @Test
  void loadAtTheCeilingDoesNotFitButJustBelowDoes() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.8);
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().plan(task("t", "x")));
      t.beat("a", 0.7999);
      assertEquals(MachineId.of("a"), where(t.fleet.dispatcher().plan(task("t", "x"))));
    }
  }

  @Test
  void urgentWorkMayUseTheHigherCeiling() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.9);
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().plan(task("n", "x")));
      Task urgent = Task.newBuilder("u").requires("x").priority(Priority.URGENT).build();
      assertEquals(MachineId.of("a"), where(t.fleet.dispatcher().plan(urgent)));
    }
  }

  @Test
  void aTaskNeedingSeveralCapabilitiesGoesOnlyToAMachineWithAll() {
    try (TestFleet t = TestFleet.seed()) {
      assertEquals(MachineId.of("m3-forge"), where(t.fleet.dispatcher().submit(task("t", "inference", "code"))));
      Decision none = t.fleet.dispatcher().submit(task("u", "social", "cron"));
      assertInstanceOf(Decision.Queued.class, none);
      assertEquals("0/3 machines fit: 2 lack 'social', 1 lacks 'cron'", none.why().summary());
    }
  }

  @Test
  void aBurstSpreadsOverEqualMachinesInsteadOfPilingOnOne() {
    try (TestFleet t = new TestFleet()) {
      for (String id : List.of("a", "b", "c")) {
        t.fleet.registry().register(TestFleet.machine(id, "r", "x"));
      }
      Map<MachineId, Integer> perMachine = new HashMap<>();
      int queued = 0;
      for (int i = 0; i < 100; i++) {
        Decision d = t.fleet.dispatcher().submit(task("t" + i, "x"));
        if (d instanceof Decision.Dispatched x) {
          perMachine.merge(x.machine(), 1, Integer::sum);
        } else {
          queued++;
        }
      }
      // 0.10 per task under a 0.80 ceiling: 8 each, the rest wait.
      assertEquals(Map.of(MachineId.of("a"), 8, MachineId.of("b"), 8, MachineId.of("c"), 8), perMachine);
      assertEquals(76, queued);
    }
  }

  @Test
  void reservationEndsWithTheFirstHeartbeatAfterTheTaskStarted() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(
          Task.newBuilder("h").requires("x").weight(Weight.HEAVY).build());
      assertEquals(0.2, t.fleet.registry().get(MachineId.of("a")).orElseThrow().effectiveLoad(), 1e-9);
      t.beat("a", 0.0); // sent before the task started: still counted
      assertEquals(0.2, t.fleet.registry().get(MachineId.of("a")).orElseThrow().effectiveLoad(), 1e-9);
      t.fleet.dispatcher().started(d.task().id(), d.token());
      t.beat("a", 0.5);
      assertEquals(0.5, t.fleet.registry().get(MachineId.of("a")).orElseThrow().effectiveLoad(), 1e-9);
    }
  }

  @Test
  void queuedWorkRunsWhenAMachineWithTheCapabilityJoins() {
    try (TestFleet t = TestFleet.seed()) {
      Decision d = t.fleet.dispatcher().submit(task("render", "video"));
      assertInstanceOf(Decision.Queued.class, d);
      assertEquals(List.of("runs when a machine with 'video' joins the fleet"), d.why().unblockers());

      t.fleet.registry().register(TestFleet.machine("studio", "render", "video"));

      assertEquals(TaskState.DISPATCHED, t.fleet.dispatcher().status(TaskId.of("render")).orElseThrow().state());
      assertEquals(MachineId.of("studio"),
          t.fleet.dispatcher().status(TaskId.of("render")).orElseThrow().machine().orElseThrow());
    }
  }

  @Test
  void queuedWorkRunsHighestPriorityFirstThenInArrivalOrderWhenLoadDrops() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.9);
      t.fleet.dispatcher().submit(Task.newBuilder("low").requires("x").priority(Priority.LOW).build());
      t.fleet.dispatcher().submit(Task.newBuilder("n1").requires("x").build());
      t.fleet.dispatcher().submit(Task.newBuilder("high").requires("x").priority(Priority.HIGH).build());
      t.fleet.dispatcher().submit(Task.newBuilder("n2").requires("x").build());
      assertEquals(List.of("high", "n1", "n2", "low"),
          t.fleet.dispatcher().queue().stream().map(s -> s.id().value()).toList());
      t.events.clear();

      t.beat("a", 0.55); // room for three tasks at 0.10 each below 0.80

      List<String> dispatched = t.events(FleetEvent.TaskChanged.class).stream()
          .filter(e -> e.to() == TaskState.DISPATCHED).map(e -> e.task().value()).toList();
      assertEquals(List.of("high", "n1", "n2"), dispatched);
      assertEquals(List.of("low"), t.fleet.dispatcher().queue().stream().map(s -> s.id().value()).toList());
    }
  }

  @Test
  void completionFreesTheMachineForTheNextWaitingTask() {
    try (TestFleet t = new TestFleet(b -> b.loadPerTask(0.5))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      Decision.Dispatched first = (Decision.Dispatched) t.fleet.dispatcher().submit(task("1", "x"));
      t.fleet.dispatcher().submit(task("2", "x"));
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(task("3", "x")));

      t.fleet.dispatcher().complete(first.task().id(), first.token(), TaskResult.success());

      assertEquals(TaskState.SUCCEEDED, t.fleet.dispatcher().status(TaskId.of("1")).orElseThrow().state());
      assertEquals(TaskState.DISPATCHED, t.fleet.dispatcher().status(TaskId.of("3")).orElseThrow().state());
    }
  }

  @Test
  void exactlyOneResultIsAcceptedAndStaleTokensAreRefused() {
    try (TestFleet t = TestFleet.seed()) {
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(task("t", "social"));
      StaleAttemptException wrong = assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(d.task().id(), d.token() + 1, TaskResult.success()));
      assertTrue(wrong.getMessage().contains("is not its current attempt"), wrong.getMessage());

      t.fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.failure("disk full"));
      StaleAttemptException again = assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.success()));
      assertTrue(again.getMessage().contains("already failed"), again.getMessage());
      assertEquals("disk full",
          t.fleet.dispatcher().status(TaskId.of("t")).orElseThrow().result().orElseThrow().message());
    }
  }

  @Test
  void cancellingRemovesQueuedWorkAndRefusesLaterResults() {
    try (TestFleet t = TestFleet.seed()) {
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(task("run", "social"));
      t.fleet.dispatcher().submit(task("wait", "video"));
      assertTrue(t.fleet.dispatcher().cancel(TaskId.of("wait")));
      assertTrue(t.fleet.dispatcher().cancel(TaskId.of("run")));
      assertFalse(t.fleet.dispatcher().cancel(TaskId.of("run")));
      assertTrue(t.fleet.dispatcher().queue().isEmpty());
      assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.success()));
      assertEquals(0.20, t.fleet.registry().get(MachineId.of("m4-mirror")).orElseThrow().effectiveLoad(), 1e-9);
      assertThrows(UnknownTaskException.class, () -> t.fleet.dispatcher().cancel(TaskId.of("nope")));
    }
  }

  @Test
  void planChangesNothing() {
    try (TestFleet t = TestFleet.seed()) {
      var before = t.fleet.registry().list();
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().plan(task("t", "social"));
      assertTrue(d.isPlan());
      t.fleet.dispatcher().plan(task("q", "video"));
      assertEquals(before, t.fleet.registry().list());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("t")).isEmpty());
      assertTrue(t.fleet.dispatcher().queue().isEmpty());
      assertTrue(t.events.isEmpty());
    }
  }

  @Test
  void theSameIdempotencyKeyReturnsTheFirstTask() {
    try (TestFleet t = TestFleet.seed()) {
      Decision first = t.fleet.dispatcher().submit(Task.newBuilder("a").requires("social").idempotencyKey("k").build());
      Decision second = t.fleet.dispatcher().submit(Task.newBuilder("b").requires("social").idempotencyKey("k").build());
      assertEquals(TaskId.of("a"), second.task().id());
      assertEquals(((Decision.Dispatched) first).token(), ((Decision.Dispatched) second).token());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("b")).isEmpty());
    }
  }

  @Test
  void aDifferentTaskUnderAnExistingIdIsRefusedWithoutChange() {
    try (TestFleet t = TestFleet.seed()) {
      t.fleet.dispatcher().submit(task("a", "social"));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> t.fleet.dispatcher().submit(task("a", "cron")));
      assertTrue(e.getMessage().contains("'a'"), e.getMessage());
      assertEquals(List.of("social"),
          List.copyOf(t.fleet.dispatcher().status(TaskId.of("a")).orElseThrow().task().requires()));
    }
  }

  @Test
  void aFullQueueRejectsWithTheReason() {
    try (TestFleet t = new TestFleet(b -> b.maxQueuedTasks(1))) {
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(task("1", "x")));
      Decision d = t.fleet.dispatcher().submit(task("2", "x"));
      assertInstanceOf(Decision.Rejected.class, d);
      assertTrue(d.why().summary().startsWith("rejected: the queue is full (1 tasks waiting, at most 1)"),
          d.why().summary());
      assertEquals(TaskState.REJECTED, t.fleet.dispatcher().status(TaskId.of("2")).orElseThrow().state());
    }
  }

  @Test
  void aWaitingTaskIsCancelledWhenItsDeadlinePasses() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.dispatcher().submit(Task.newBuilder("d").requires("x").deadline(Duration.ofSeconds(7)).build());
      t.advance(Duration.ofSeconds(6));
      assertEquals(TaskState.QUEUED, t.fleet.dispatcher().status(TaskId.of("d")).orElseThrow().state());
      t.advance(Duration.ofSeconds(2));
      var s = t.fleet.dispatcher().status(TaskId.of("d")).orElseThrow();
      assertEquals(TaskState.CANCELLED, s.state());
      assertEquals("deadline of PT7S passed while it waited", s.why().summary());
    }
  }

  @Test
  void workOfAMachineThatLeavesGoesBackToTheQueueAsANewAttempt() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(task("t", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("b", 0.5);

      t.fleet.registry().deregister(MachineId.of("a"));
      assertEquals("a left the fleet; attempt 2 after a delay of 1s",
          t.fleet.dispatcher().status(TaskId.of("t")).orElseThrow().why().summary());
      t.advance(Duration.ofSeconds(1));

      var s = t.fleet.dispatcher().status(TaskId.of("t")).orElseThrow();
      assertEquals(MachineId.of("b"), s.machine().orElseThrow());
      assertEquals(2, s.attempt());
      assertThrows(StaleAttemptException.class,
          () -> t.fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.success()));
    }
  }

  @Test
  void changingCapabilitiesAtRuntimeReevaluatesTheQueue() {
    try (TestFleet t = TestFleet.seed()) {
      t.fleet.dispatcher().submit(task("t", "video"));
      t.fleet.registry().update(TestFleet.machine("gcp-watcher", "cron", "monitoring", "video"));
      assertEquals(MachineId.of("gcp-watcher"),
          t.fleet.dispatcher().status(TaskId.of("t")).orElseThrow().machine().orElseThrow());
      // and the old capability is gone from the index
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().plan(task("c", "cron")));
    }
  }

  @Test
  void aThrowingStrategyIsExplainedAndDoesNotBreakTheFleet() {
    PlacementStrategy broken = PlacementStrategy.of("broken", (task, c) -> {
      throw new IllegalStateException("boom");
    }, (task, c) -> 0);
    try (TestFleet t = new TestFleet(b -> b.placementStrategy(broken))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      Decision d = t.fleet.dispatcher().submit(task("t", "x"));
      assertInstanceOf(Decision.Queued.class, d);
      assertTrue(d.why().summary().contains("strategy 'broken' failed"), d.why().summary());
      t.beat("a", 0.1); // the heartbeat path survives the strategy too
      assertEquals(TaskState.QUEUED, t.fleet.dispatcher().status(TaskId.of("t")).orElseThrow().state());
    }
  }

  @Test
  void aStrategyThatPicksAnIneligibleMachineIsRefused() {
    PlacementStrategy rogue = new PlacementStrategy() {
      @Override
      public String name() {
        return "rogue";
      }

      @Override
      public dev.fleet.spi.Candidate select(Task task, dev.fleet.spi.Candidates candidates) {
        return candidates.get(0); // ignores eligibility
      }
    };
    try (TestFleet t = new TestFleet(b -> b.placementStrategy(rogue))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.95);
      Decision d = t.fleet.dispatcher().submit(task("t", "x"));
      assertInstanceOf(Decision.Queued.class, d);
    }
  }

  @Test
  void lifecycleEventsArriveInOrder() {
    try (TestFleet t = TestFleet.seed()) {
      Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(task("t", "social"));
      t.fleet.dispatcher().started(d.task().id(), d.token());
      t.fleet.dispatcher().complete(d.task().id(), d.token(), TaskResult.success());
      List<String> seen = t.events(FleetEvent.TaskChanged.class).stream().map(e -> e.from() + ">" + e.to()).toList();
      assertEquals(List.of("QUEUED>DISPATCHED", "DISPATCHED>RUNNING", "RUNNING>SUCCEEDED"), seen);
      assertSame(TaskState.SUCCEEDED, t.fleet.dispatcher().status(TaskId.of("t")).orElseThrow().state());
    }
  }
}
