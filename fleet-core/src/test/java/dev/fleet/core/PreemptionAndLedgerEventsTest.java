package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Assignment;
import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What the ledger and the matchmaker tell the outside world: the task events a listener sees and the calls a
 * transport receives, for preemption, rejection, completion, cancellation and moving work off a machine.
 */
class PreemptionAndLedgerEventsTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  /** What the transport was told, in order: "deliver t#1 on a", "withdraw t#1 on a: reason". */
  private final List<String> heard = new CopyOnWriteArrayList<>();

  private final Transport transport = new Transport() {
    @Override
    public void deliver(Assignment a) {
      heard.add("deliver " + a.task().id() + "#" + a.attempt() + " on " + a.machine());
    }

    @Override
    public void withdraw(Assignment a, String reason) {
      heard.add("withdraw " + a.task().id() + "#" + a.attempt() + " on " + a.machine() + ": " + reason);
    }
  };

  private TestFleet fleet(Consumer<FleetBuilder> more) {
    return new TestFleet(b -> {
      b.transport(transport);
      more.accept(b);
    });
  }

  /** Ceilings 0.8 and 0.85 and 0.3 per task: three tasks fill a machine even for urgent work. */
  private TestFleet preemptingFleet(int gap) {
    return fleet(b -> b.loadPerTask(0.3).urgentLoadCeiling(0.85).preemption(gap));
  }

  private static Task task(String id, String needs, Priority p) {
    return Task.newBuilder(id).requires(needs).priority(p).maxAttempts(1).build();
  }

  private static Decision.Dispatched dispatched(TestFleet t, Task task) {
    return assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(task));
  }

  private static TaskStatus status(TestFleet t, String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow();
  }

  private static List<String> changes(TestFleet t, String id) {
    return t.events(FleetEvent.TaskChanged.class).stream().filter(e -> e.task().equals(TaskId.of(id)))
        .map(e -> e.from() + ">" + e.to() + ": " + e.reason()).toList();
  }

  private static void register(TestFleet t, String id, String... caps) {
    t.fleet.registry().register(TestFleet.machine(id, "r", caps));
  }

  @Test
  void anUrgentTaskEvictsTheLowestPriorityWorkFirstNotTheOldest() {
    try (TestFleet t = preemptingFleet(2)) {
      register(t, "a", "x", "a");
      t.beat("a", 0.0);
      dispatched(t, task("n1", "a", Priority.NORMAL));
      dispatched(t, task("l1", "a", Priority.LOW));
      dispatched(t, task("n2", "a", Priority.NORMAL));
      heard.clear();

      Decision.Dispatched d = dispatched(t, task("u", "x", Priority.URGENT));

      assertEquals(A, d.machine());
      assertTrue(d.why().summary().contains("preempted l1 to make room"), d.why().summary());
      // The victim is back in the queue; with maxAttempts 1 a lost attempt would have dead-lettered it.
      assertEquals(TaskState.QUEUED, status(t, "l1").state());
      assertEquals(TaskState.DISPATCHED, status(t, "n1").state());
      assertEquals(TaskState.DISPATCHED, status(t, "n2").state());
      assertEquals(List.of("withdraw l1#1 on a: preempted by urgent task u on a", "deliver u#1 on a"), heard);
      assertEquals(List.of("QUEUED>DISPATCHED: a chosen by least-loaded (load 0.30 < 0.80)",
          "DISPATCHED>QUEUED: preempted by urgent task u on a; back in the queue for attempt 2"), changes(t, "l1"));
    }
  }

  @Test
  void amongEqualPriorityVictimsTheNewestGoesFirst() {
    try (TestFleet t = preemptingFleet(3)) {
      register(t, "a", "x", "a");
      t.beat("a", 0.0);
      dispatched(t, task("l1", "a", Priority.LOW));
      dispatched(t, task("l2", "a", Priority.LOW));
      dispatched(t, task("n1", "a", Priority.NORMAL)); // only two levels below urgent: never a victim at gap 3
      Decision.Dispatched d = dispatched(t, task("u", "x", Priority.URGENT));
      assertEquals(A, d.machine());
      assertEquals(TaskState.QUEUED, status(t, "l2").state());
      assertEquals(TaskState.DISPATCHED, status(t, "l1").state());
      assertEquals(TaskState.DISPATCHED, status(t, "n1").state());
    }
  }

  @Test
  void workTooCloseInPriorityIsNeverEvictedSoTheUrgentTaskWaits() {
    try (TestFleet t = preemptingFleet(3)) {
      register(t, "a", "x", "a");
      t.beat("a", 0.0);
      dispatched(t, task("n1", "a", Priority.NORMAL));
      dispatched(t, task("n2", "a", Priority.NORMAL));
      dispatched(t, task("h1", "a", Priority.HIGH));
      Decision d = t.fleet.dispatcher().submit(task("u", "x", Priority.URGENT));
      assertInstanceOf(Decision.Queued.class, d);
      for (String id : List.of("n1", "n2", "h1")) {
        assertEquals(TaskState.DISPATCHED, status(t, id).state(), id);
      }
    }
  }

  @Test
  void theMachineNeedingFewestEvictionsIsChosenAndADrainingMachineIsNever() {
    try (TestFleet t = preemptingFleet(3)) {
      register(t, "a", "x", "a");
      register(t, "b", "x", "b");
      register(t, "c", "x", "c");
      t.beat("a", 0.0);
      t.beat("b", 0.0);
      t.beat("c", 0.0);
      for (String m : List.of("a", "b", "c")) {
        dispatched(t, task(m + "1", m, Priority.LOW));
        dispatched(t, task(m + "2", m, Priority.LOW));
        dispatched(t, task(m + "3", m, Priority.LOW));
      }
      t.beat("a", 0.3); // a now needs two evictions: 0.3 + 0.9 -> 0.9 -> 0.6
      t.fleet.registry().drain(MachineId.of("c")); // c would need one, but takes no new work
      heard.clear();

      Decision.Dispatched d = dispatched(t, task("u", "x", Priority.URGENT));

      assertEquals(B, d.machine());
      assertTrue(d.why().summary().contains("preempted b3 to make room"), d.why().summary());
      assertEquals(List.of("withdraw b3#1 on b: preempted by urgent task u on b", "deliver u#1 on b"), heard);
      for (String id : List.of("a1", "a2", "a3", "c1", "c2", "c3", "b1", "b2")) {
        assertEquals(TaskState.DISPATCHED, status(t, id).state(), id);
      }
    }
  }

  @Test
  void twoVictimsAreEvictedWhenOneDoesNotMakeEnoughRoom() {
    try (TestFleet t = preemptingFleet(3)) {
      register(t, "a", "x", "a");
      t.beat("a", 0.0);
      dispatched(t, task("a1", "a", Priority.LOW));
      dispatched(t, task("a2", "a", Priority.BACKGROUND));
      dispatched(t, task("a3", "a", Priority.LOW));
      t.beat("a", 0.3);
      Decision.Dispatched d = dispatched(t, task("u", "x", Priority.URGENT));
      assertTrue(d.why().summary().contains("preempted a2, a3 to make room"), d.why().summary());
      assertEquals(TaskState.DISPATCHED, status(t, "a1").state());
    }
  }

  @Test
  void evictingStartedAndReportedWorkTakesItsShareOutOfTheReportedLoad() {
    try (TestFleet t = preemptingFleet(3)) {
      register(t, "a", "x", "a");
      t.beat("a", 0.0);
      Decision.Dispatched l1 = dispatched(t, task("l1", "a", Priority.LOW));
      Decision.Dispatched l2 = dispatched(t, task("l2", "a", Priority.LOW));
      Decision.Dispatched l3 = dispatched(t, task("l3", "a", Priority.LOW));
      t.fleet.dispatcher().started(TaskId.of("l1"), l1.token());
      t.fleet.dispatcher().started(TaskId.of("l2"), l2.token());
      t.fleet.dispatcher().started(TaskId.of("l3"), l3.token());
      t.beat("a", 0.9); // the three started tasks' load is in the report now
      assertEquals(0.9, t.fleet.registry().get(A).orElseThrow().effectiveLoad(), 1e-9);
      dispatched(t, task("u", "x", Priority.URGENT));
      // 0.9 reported less l3's 0.3, plus the urgent task's reservation of 0.3.
      assertEquals(0.6, t.fleet.registry().get(A).orElseThrow().load(), 1e-9);
      assertEquals(0.9, t.fleet.registry().get(A).orElseThrow().effectiveLoad(), 1e-9);
    }
  }

  @Test
  void aFullQueueRejectsAndTheListenerSeesTheRejection() {
    try (TestFleet t = fleet(b -> b.maxQueuedTasks(1))) {
      register(t, "a", "x");
      t.beat("a", 0.95);
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(task("q1", "x", Priority.NORMAL)));
      Decision r = t.fleet.dispatcher().submit(task("q2", "x", Priority.NORMAL));
      assertInstanceOf(Decision.Rejected.class, r);
      assertEquals(TaskState.REJECTED, status(t, "q2").state());
      List<String> q2 = changes(t, "q2");
      assertEquals(1, q2.size(), q2.toString());
      assertTrue(q2.get(0).startsWith("QUEUED>REJECTED: rejected: the queue is full (1 tasks waiting, at most 1)"),
          q2.get(0));
      assertEquals(List.of(), heard);
      List<String> q1 = changes(t, "q1");
      assertEquals(1, q1.size(), q1.toString());
      assertTrue(q1.get(0).startsWith("QUEUED>QUEUED: queued: "), q1.get(0));
    }
  }

  @Test
  void aTasksLifeIsToldToTheListenerAndItsCancellationToTheTransport() {
    try (TestFleet t = fleet(b -> {})) {
      register(t, "a", "x");
      t.beat("a", 0.0);
      Decision.Dispatched d1 = dispatched(t, task("t1", "x", Priority.NORMAL));
      t.fleet.dispatcher().started(TaskId.of("t1"), d1.token());
      t.fleet.dispatcher().complete(TaskId.of("t1"), d1.token(), TaskResult.failure("boom"));
      List<String> c = changes(t, "t1");
      assertEquals("DISPATCHED>RUNNING: started on a", c.get(1));
      assertEquals("RUNNING>FAILED: failed on a, attempt 1: boom", c.get(2));
      assertEquals(3, c.size(), c.toString());

      Decision.Dispatched d2 = dispatched(t, task("t2", "x", Priority.NORMAL));
      assertTrue(t.fleet.dispatcher().cancel(TaskId.of("t2")));
      assertEquals(List.of("deliver t1#1 on a", "deliver t2#1 on a", "withdraw t2#1 on a: cancelled by request"),
          heard);
      assertEquals("DISPATCHED>CANCELLED: cancelled by request", changes(t, "t2").get(1));
      assertEquals(0, t.fleet.registry().get(A).orElseThrow().activeTasks());
      assertEquals(0.0, t.fleet.registry().get(A).orElseThrow().effectiveLoad(), 1e-9);
      assertEquals(d2.attempt(), status(t, "t2").attempt());
    }
  }

  @Test
  void aQueuedTaskCancelledLeavesTheQueueAndTellsTheTransportNothing() {
    try (TestFleet t = fleet(b -> {})) {
      register(t, "a", "x");
      t.beat("a", 0.95);
      t.fleet.dispatcher().submit(task("q", "x", Priority.NORMAL));
      assertEquals(1, t.fleet.dispatcher().queue().size());
      assertTrue(t.fleet.dispatcher().cancel(TaskId.of("q")));
      assertEquals(0, t.fleet.dispatcher().queue().size());
      assertEquals(List.of(), heard);
      assertEquals("QUEUED>CANCELLED: cancelled by request", changes(t, "q").get(1));
    }
  }

  @Test
  void aDepartedMachinesWorkMovesWithATransportWithdrawalAndRequeueEvents() {
    try (TestFleet t = fleet(b -> {})) {
      register(t, "a", "x");
      register(t, "b", "x");
      t.beat("a", 0.0);
      t.beat("b", 0.7);
      Task task = Task.newBuilder("w").requires("x").maxAttempts(3)
          .reschedule(ReschedulePolicy.constant(Duration.ZERO)).build();
      Decision.Dispatched d = dispatched(t, task);
      assertEquals(A, d.machine());
      heard.clear();
      assertTrue(t.fleet.registry().deregister(A));
      TaskStatus s = status(t, "w");
      assertEquals(TaskState.DISPATCHED, s.state());
      assertEquals(B, s.machine().orElseThrow());
      assertEquals(2, s.attempt());
      assertTrue(heard.get(0).startsWith("withdraw w#1 on a: "), heard.toString());
      assertEquals("deliver w#2 on b", heard.get(1));
      assertEquals(2, heard.size(), heard.toString());
      List<String> c = changes(t, "w");
      assertTrue(c.get(1).startsWith("DISPATCHED>QUEUED: ") && c.get(1).endsWith("; back in the queue for attempt 2"),
          c.toString());
      assertTrue(c.get(2).startsWith("QUEUED>DISPATCHED: "), c.toString());
    }
  }
}
