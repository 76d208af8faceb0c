package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Explanation;
import dev.fleet.Heartbeat;
import dev.fleet.Signals;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.MachineVerdict;
import dev.fleet.Priority;
import dev.fleet.Reason;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.Weight;
import dev.fleet.Assignment;
import dev.fleet.spi.Transport;
import dev.fleet.testing.MemoryJournal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A machine's slots: the fleet never has more attempts in flight on it than it declares, counts each task as
 * its share of them, and says so when it is full.
 */
class SlotsTest {
  private static final MachineId A = MachineId.of("a");
  private static final MachineId B = MachineId.of("b");

  /** Each task's latest token, as the transport was handed it. */
  private final Map<TaskId, Long> tokens = new ConcurrentHashMap<>();
  private final Transport transport = new Transport() {
    @Override
    public void deliver(Assignment a) {
      tokens.put(a.task().id(), a.token());
    }

    @Override
    public void withdraw(Assignment a, String reason) {}
  };

  private TestFleet fleet() {
    return fleet(b -> {});
  }

  private TestFleet fleet(Consumer<FleetBuilder> more) {
    return new TestFleet(b -> {
      b.transport(transport);
      more.accept(b);
    });
  }

  private void start(TestFleet t, String id) {
    t.fleet.dispatcher().started(TaskId.of(id), tokens.get(TaskId.of(id)));
  }

  private void finish(TestFleet t, String id) {
    t.fleet.dispatcher().complete(TaskId.of(id), tokens.get(TaskId.of(id)), TaskResult.success());
  }

  private static void register(TestFleet t, String id, int slots) {
    t.fleet.registry().register(TestFleet.machine(id, "r", "x").withSlots(slots));
  }

  private static Decision submit(TestFleet t, String id) {
    return t.fleet.dispatcher().submit(Task.newBuilder(id).requires("x").maxAttempts(5)
        .reschedule(ReschedulePolicy.constant(Duration.ZERO)).build());
  }

  private static TaskStatus status(TestFleet t, String id) {
    return t.fleet.dispatcher().status(TaskId.of(id)).orElseThrow();
  }

  private static MachineStatus machine(TestFleet t, MachineId id) {
    return t.fleet.registry().get(id).orElseThrow();
  }

  /** Attempts in flight on {@code m}, counted from the tasks themselves. */
  private static long inFlight(TestFleet t, MachineId m, String... tasks) {
    return List.of(tasks).stream().map(id -> status(t, id))
        .filter(s -> s.state() == TaskState.DISPATCHED || s.state() == TaskState.RUNNING
            || s.state() == TaskState.PAUSED)
        .filter(s -> s.machine().orElseThrow().equals(m)).count();
  }

  @Test
  void aOneSlotMachineHoldsOneAttemptAndTheNextWaitsUntilItFinishes() {
    try (TestFleet t = fleet()) {
      register(t, "a", 1);
      Decision.Dispatched first = assertInstanceOf(Decision.Dispatched.class, submit(t, "t1"));
      assertInstanceOf(Decision.Queued.class, submit(t, "t2"));
      assertInstanceOf(Decision.Queued.class, submit(t, "t3"));

      // Started and reported at a load far under the ceiling: the slot alone keeps the rest waiting.
      start(t, "t1");
      t.beat("a", 0.05);
      assertEquals(0.05, machine(t, A).effectiveLoad(), 1e-9);
      assertEquals(OptionalInt.of(0), machine(t, A).slotsFree());
      Explanation why = assertInstanceOf(Decision.Queued.class, submit(t, "t4")).why();
      assertEquals("0/1 machines fit: 1 with its slots full: 1 of 1 in use", why.summary());
      assertEquals(List.of(new MachineVerdict(A, Reason.SLOTS_FULL, "slots full: 1 of 1 in use")), why.machines());
      assertEquals(List.of("runs when a task ends on a, freeing a slot"), why.unblockers());

      t.fleet.dispatcher().complete(first.task().id(), first.token(), TaskResult.success());
      assertEquals(TaskState.DISPATCHED, status(t, "t2").state(), "the freed slot goes to the next in line");
      assertEquals(TaskState.QUEUED, status(t, "t3").state());
      assertEquals(1, inFlight(t, A, "t1", "t2", "t3", "t4"));
      assertEquals(1, machine(t, A).activeTasks());
    }
  }

  @Test
  void eachTaskReservesItsShareOfTheSlotsAndMachinesWithoutSlotsKeepLoadPerTask() {
    try (TestFleet t = fleet()) {
      register(t, "a", 4);
      t.fleet.registry().register(TestFleet.machine("b", "r", "y"));
      t.fleet.dispatcher().submit(Task.newBuilder("n").requires("x").build());
      assertEquals(0.25, machine(t, A).effectiveLoad(), 1e-9);
      t.fleet.dispatcher().submit(Task.newBuilder("h").requires("x").weight(Weight.HEAVY).build());
      assertEquals(0.75, machine(t, A).effectiveLoad(), 1e-9, "heavy: 2.0 / 4 slots");
      assertEquals(OptionalInt.of(2), machine(t, A).slotsFree());

      t.fleet.dispatcher().submit(Task.newBuilder("y").requires("y").build());
      assertEquals(0.10, machine(t, B).effectiveLoad(), 1e-9);
      assertEquals(OptionalInt.empty(), machine(t, B).slotsFree());
    }
  }

  @Test
  void fourSlotsOnAnIdleMachineTakeFourTasksAndNoFifth() {
    try (TestFleet t = fleet()) {
      register(t, "a", 4);
      for (int i = 0; i < 4; i++) {
        assertInstanceOf(Decision.Dispatched.class, submit(t, "t" + i));
      }
      Decision.Queued q = assertInstanceOf(Decision.Queued.class, submit(t, "t4"));
      assertEquals("0/1 machines fit: 1 with its slots full: 4 of 4 in use", q.why().summary());
      assertEquals(1.0, machine(t, A).effectiveLoad(), 1e-9);
    }
  }

  @Test
  void failoverNeverPutsTwoAttemptsOnAOneSlotMachine() {
    try (TestFleet t = fleet()) {
      register(t, "a", 1);
      register(t, "b", 1);
      submit(t, "t1");
      submit(t, "t2");
      submit(t, "t3");
      assertEquals(1, inFlight(t, A, "t1", "t2", "t3"));
      assertEquals(1, inFlight(t, B, "t1", "t2", "t3"));
      String onA = status(t, "t1").machine().orElseThrow().equals(A) ? "t1" : "t2";

      for (int s = 0; s < 31; s++) { // a falls silent and goes offline; b keeps beating
        t.beat("b", 0.1);
        t.advance(Duration.ofSeconds(1));
      }
      assertEquals(TaskState.QUEUED, status(t, onA).state(), "a's attempt moved, and b is full");
      assertEquals(1, inFlight(t, B, "t1", "t2", "t3"));
      assertEquals(0, machine(t, B).slotsFree().getAsInt());

      t.beat("a", 0.0); // a is back: it takes one, and only one, of the waiting tasks
      assertEquals(1, inFlight(t, A, "t1", "t2", "t3"));
      assertEquals(1, inFlight(t, B, "t1", "t2", "t3"));
    }
  }

  @Test
  void aTaskCannotBeMovedByRequestOntoAFullMachine() {
    try (TestFleet t = fleet()) {
      register(t, "a", 1);
      register(t, "b", 1);
      submit(t, "t1");
      submit(t, "t2");
      String onA = status(t, "t1").machine().orElseThrow().equals(A) ? "t1" : "t2";
      String onB = onA.equals("t1") ? "t2" : "t1";
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> t.fleet.dispatcher().reroute(TaskId.of(onA), B));
      assertEquals("cannot move task '" + onA + "' to b: its slots are full (1 of 1 in use)", e.getMessage());
      assertEquals(A, status(t, onA).machine().orElseThrow(), "nothing changed");
      assertEquals(1, status(t, onA).attempt());

      t.fleet.dispatcher().cancel(TaskId.of(onB));
      Decision.Dispatched moved = t.fleet.dispatcher().reroute(TaskId.of(onA), B);
      assertEquals(B, moved.machine());
      assertEquals(0, machine(t, A).activeTasks());
      assertEquals(1, machine(t, B).activeTasks());
    }
  }

  @Test
  void moreSlotsInANewRegistrationLetWaitingWorkIn() {
    try (TestFleet t = fleet()) {
      register(t, "a", 1);
      submit(t, "t1");
      assertInstanceOf(Decision.Queued.class, submit(t, "t2"));
      start(t, "t1");
      t.beat("a", 0.1); // t1's reservation (a whole slot: 1.00) ends; the slot stays taken
      assertEquals(TaskState.QUEUED, status(t, "t2").state());
      t.fleet.registry().update(TestFleet.machine("a", "r", "x").withSlots(2));
      assertEquals(TaskState.DISPATCHED, status(t, "t2").state());
      assertEquals(OptionalInt.of(0), machine(t, A).slotsFree());
    }
  }

  @Test
  void anUrgentTaskPreemptsToFreeASlotNotOnlyLoad() {
    try (TestFleet t = fleet(b -> b.preemption(3))) {
      register(t, "a", 2);
      t.fleet.dispatcher().submit(Task.newBuilder("bg1").requires("x").priority(Priority.LOW).build());
      t.fleet.dispatcher().submit(Task.newBuilder("bg2").requires("x").priority(Priority.LOW).build());
      t.beat("a", 0.1); // the load is low: only the slots are in the way
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(
          Task.newBuilder("u").requires("x").priority(Priority.URGENT).build()));
      assertEquals(A, d.machine());
      assertEquals("preempted bg2 to make room", d.why().summary().replaceFirst(".*; ", ""));
      assertEquals(2, machine(t, A).activeTasks());
      assertEquals(TaskState.QUEUED, status(t, "bg2").state());
    }
  }

  @Test
  void aReplayedFleetCountsTheSameAttemptsInFlightAndKeepsTheSlotShut() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = fleet(b -> b.journal(journal))) {
      register(t, "a", 2);
      submit(t, "t1");
      submit(t, "t2");
      submit(t, "t3");
      assertEquals(2, machine(t, A).activeTasks());
    }
    try (TestFleet t = fleet(b -> b.journal(journal.crash()))) {
      assertEquals(2, machine(t, A).activeTasks());
      assertEquals(OptionalInt.of(0), machine(t, A).slotsFree());
      t.beat("a", 0.0);
      assertEquals(TaskState.QUEUED, status(t, "t3").state(), "a is back online, and still full");
      assertEquals(2, inFlight(t, A, "t1", "t2", "t3"));
      finish(t, "t1");
      assertEquals(TaskState.DISPATCHED, status(t, "t3").state());
      assertEquals(2, inFlight(t, A, "t1", "t2", "t3"));
    }
  }

  @Test
  void aMachineBusyWithItsOwnWorkSaysSoAndHowToChangeIt() {
    try (TestFleet t = fleet()) {
      register(t, "m1", 2);
      t.beat("m1", 0.93);
      Decision.Queued q = assertInstanceOf(Decision.Queued.class, submit(t, "t"));
      assertEquals("0/1 machines fit: 1 at load 0.93 >= 0.80", q.why().summary());
      assertEquals("busy with its own work: load 0.93 reported by its agent (Fleet's tasks there: 0 of 2 slots) is "
          + "at or over the ceiling 0.80; the task waits until it drops", q.why().machines().get(0).detail());
      assertEquals(Reason.AT_CEILING, q.why().machines().get(0).reason());
      assertEquals(List.of("runs when m1 drops below load 0.80",
          "m1 is busy with its own work, not Fleet's: to run tasks there anyway, raise the ceiling "
              + "(FleetBuilder.loadCeiling, `fleet coordinator --load-ceiling`) or run its agent with --no-probes"),
          q.why().unblockers());
    }
  }

  @Test
  void anUrgentTaskIsToldOfTheUrgentCeilingAndSeveralMachinesAreNamedTogether() {
    try (TestFleet t = fleet()) {
      for (String id : List.of("m1", "m2", "m3")) {
        t.fleet.registry().register(TestFleet.machine(id, "r", "x"));
        t.beat(id, 0.97);
      }
      Decision.Queued q = assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(
          Task.newBuilder("u").requires("x").priority(Priority.URGENT).build()));
      assertEquals("busy with its own work: load 0.97 reported by its agent (Fleet's tasks there: none) is at or "
          + "over the ceiling 0.95; the task waits until it drops", q.why().machines().get(0).detail());
      assertEquals("m1 and m2 and m3 are busy with their own work, not Fleet's: to run tasks there anyway, raise the "
          + "ceiling (FleetBuilder.urgentLoadCeiling, `fleet coordinator --urgent-ceiling`) or run their agents with "
          + "--no-probes", q.why().unblockers().get(1));
    }
  }

  @Test
  void aMachineFullOfFleetsOwnWorkIsNotBlamedOnItsOwner() {
    try (TestFleet t = fleet()) {
      register(t, "m1", 4);
      t.beat("m1", 0.3);
      submit(t, "t1");
      submit(t, "t2"); // 0.30 reported + 2 x 0.25 reserved = 0.80
      Decision.Queued q = assertInstanceOf(Decision.Queued.class, submit(t, "t3"));
      assertEquals("busy with Fleet's work: load 0.80 >= 0.80, of which 0.50 is reserved for 2 tasks Fleet sent there "
          + "until its agent reports them (2 of 4 slots in use)", q.why().machines().get(0).detail());
      assertEquals(List.of("runs when m1 drops below load 0.80"), q.why().unblockers());

      // Started and reported: the agent's load now includes Fleet's tasks, and the explanation says so.
      start(t, "t1");
      start(t, "t2");
      t.beat("m1", 0.9);
      assertEquals("busy: load 0.90 reported by its agent, Fleet's 2 tasks there (2 of 4 slots in use) included, is "
          + "at or over the ceiling 0.80", t.fleet.dispatcher().explain(TaskId.of("t3")).machines().get(0).detail());
    }
  }

  @Test
  void aMachineWithoutSlotsIsDescribedByTaskCount() {
    try (TestFleet t = fleet(b -> b.loadPerTask(0.3))) {
      t.fleet.registry().register(TestFleet.machine("m1", "r", "x"));
      t.beat("m1", 0.6);
      submit(t, "t1");
      Decision.Queued q = assertInstanceOf(Decision.Queued.class, submit(t, "t2"));
      assertEquals("busy with Fleet's work: load 0.90 >= 0.80, of which 0.30 is reserved for 1 task Fleet sent there "
          + "until its agent reports it", q.why().machines().get(0).detail());
      start(t, "t1");
      t.beat("m1", 0.95);
      assertEquals("busy: load 0.95 reported by its agent, Fleet's 1 task there included, is at or over the ceiling "
          + "0.80", t.fleet.dispatcher().explain(TaskId.of("t2")).machines().get(0).detail());
    }
  }

  @Test
  void aReportedLoadExactlyAtTheCeilingIsTheOwnersAndFourOwnersAreNamedThreeAndOneMore() {
    try (TestFleet t = fleet()) {
      for (String id : List.of("m1", "m2", "m3", "m4")) {
        t.fleet.registry().register(TestFleet.machine(id, "r", "x"));
        t.beat(id, 0.8);
      }
      Decision.Queued q = assertInstanceOf(Decision.Queued.class, submit(t, "t"));
      assertEquals("0/4 machines fit: 4 at load >= 0.80", q.why().summary());
      assertEquals("busy with its own work: load 0.80 reported by its agent (Fleet's tasks there: none) is at or "
          + "over the ceiling 0.80; the task waits until it drops", q.why().machines().get(0).detail());
      assertEquals("m1 and m2 and m3 and 1 more are busy with their own work, not Fleet's: to run tasks there anyway, "
          + "raise the ceiling (FleetBuilder.loadCeiling, `fleet coordinator --load-ceiling`) or run their agents "
          + "with --no-probes", q.why().unblockers().get(1));
    }
  }

  @Test
  void aMachineOverTheCeilingOnlyWhileThrottlingSaysSo() {
    try (TestFleet t = fleet()) {
      t.fleet.registry().register(TestFleet.machine("m1", "r", "x"));
      // 0.50 at half its clock counts as 1.00: neither its owner's load nor Fleet's puts it over, the heat does.
      t.fleet.monitor().heartbeat(new Heartbeat(MachineId.of("m1"), 1, 0.5, new Signals(false, OptionalInt.empty(),
          true, Optional.empty(), Map.of("cpu.clock_ratio", 0.5))));
      Decision.Queued q = assertInstanceOf(Decision.Queued.class, submit(t, "t"));
      assertEquals("load 1.00 >= 0.80 while throttling for heat (0.50 reported by its agent)",
          q.why().machines().get(0).detail());
      assertEquals(List.of("runs when m1 drops below load 0.80"), q.why().unblockers());
    }
  }

  @Test
  void anUrgentTaskEvictsTheOneTaskOfAOneSlotMachine() {
    try (TestFleet t = fleet(b -> b.preemption(3))) {
      register(t, "a", 1);
      t.fleet.dispatcher().submit(Task.newBuilder("bg").requires("x").priority(Priority.BACKGROUND).build());
      start(t, "bg");
      t.beat("a", 0.0);
      Decision.Dispatched d = assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(
          Task.newBuilder("u").requires("x").priority(Priority.URGENT).build()));
      assertEquals(A, d.machine());
      assertEquals(TaskState.QUEUED, status(t, "bg").state());
      assertEquals(1, machine(t, A).activeTasks());
    }
  }

  @Test
  void theRulesPageMentionsSlots() {
    try (TestFleet t = fleet()) {
      assertTrue(t.fleet.describeRules().contains("A machine that declares slots (label slots=N) never has more than"
          + " N attempts in flight"), t.fleet.describeRules());
    }
  }
}
