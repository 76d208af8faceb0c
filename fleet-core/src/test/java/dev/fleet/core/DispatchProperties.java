package dev.fleet.core;

import static dev.fleet.core.FleetDriver.CAPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Priority;
import dev.fleet.ReschedulePolicy;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.Weight;
import dev.fleet.core.FleetDriver.Advance;
import dev.fleet.core.FleetDriver.Beat;
import dev.fleet.core.FleetDriver.BeatKind;
import dev.fleet.core.FleetDriver.Cancel;
import dev.fleet.core.FleetDriver.CancelUnknown;
import dev.fleet.core.FleetDriver.Check;
import dev.fleet.core.FleetDriver.Complete;
import dev.fleet.core.FleetDriver.Deregister;
import dev.fleet.core.FleetDriver.Drain;
import dev.fleet.core.FleetDriver.FleetSpec;
import dev.fleet.core.FleetDriver.MachineSpec;
import dev.fleet.core.FleetDriver.Op;
import dev.fleet.core.FleetDriver.Plan;
import dev.fleet.core.FleetDriver.Register;
import dev.fleet.core.FleetDriver.Reregister;
import dev.fleet.core.FleetDriver.Resubmit;
import dev.fleet.core.FleetDriver.Start;
import dev.fleet.core.FleetDriver.Started;
import dev.fleet.core.FleetDriver.Submit;
import dev.fleet.core.FleetDriver.Sweep;
import dev.fleet.core.FleetDriver.TaskSpec;
import dev.fleet.core.FleetDriver.TokenKind;
import dev.fleet.core.FleetDriver.Undrain;
import dev.fleet.core.FleetDriver.Update;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The default rule as properties over random fleets: random machines (capabilities from a small
 * alphabet, so they overlap; loads at, just under and just over the ceilings; some suspect, offline,
 * asleep or draining), random tasks, and random interleavings of everything a fleet can be told.
 * {@link FleetDriver} holds the brute-force model each decision is compared with.
 */
class DispatchProperties {

  // ------------------------------------------------------------------ properties

  @Property(tries = 120)
  void neverDispatchedToAMachineThatIsNotOnlineLacksACapabilityOrIsAtTheCeiling(
      @ForAll("fleets") FleetSpec fleet, @ForAll("operations") List<Op> ops) {
    try (FleetDriver d = FleetDriver.start(fleet, EnumSet.of(Check.ELIGIBLE))) {
      d.run(ops);
      covered(d);
    }
  }

  @Property(tries = 120)
  void alwaysTheLeastLoadedEligibleMachineTiesToFirstRegistered(
      @ForAll("fleets") FleetSpec fleet, @ForAll("placements") List<Op> ops) {
    try (FleetDriver d = FleetDriver.start(fleet, EnumSet.of(Check.LEAST_LOADED))) {
      d.run(ops);
      covered(d);
    }
  }

  @Property(tries = 120)
  void queuedIfAndOnlyIfNoMachineIsEligible(@ForAll("fleets") FleetSpec fleet, @ForAll("operations") List<Op> ops) {
    try (FleetDriver d = FleetDriver.start(fleet, EnumSet.of(Check.QUEUED_IFF))) {
      d.run(ops);
      covered(d);
    }
  }

  /**
   * Tasks are submitted while three all-capability machines take what they can and are killed at
   * random (their work goes back to the queue); then the last of them leaves, so everything waits for
   * one machine that is over both ceilings. The queue must read priority then submission order, and
   * when that machine gets room for exactly one task at a time, the tasks must leave in that order.
   */
  @Property(tries = 80)
  void queueOrderIsPriorityThenFifo(@ForAll("orderScripts") List<Object> script) {
    try (TestFleet t = new TestFleet()) {
      Machine big = TestFleet.machine("big", "r", CAPS.toArray(String[]::new));
      t.fleet.registry().register(big, Health.ONLINE, 1.2);
      List<MachineId> victims = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        victims.add(t.fleet.registry().register(TestFleet.machine("v" + i, "r", CAPS.toArray(String[]::new))).id());
      }
      List<Task> submitted = new ArrayList<>();
      for (Object step : script) {
        if (step instanceof TaskSpec s) {
          Task task = Task.newBuilder("t" + submitted.size()).requires(s.requires()).priority(s.priority())
              .weight(s.weight()).maxAttempts(10).reschedule(ReschedulePolicy.constant(java.time.Duration.ZERO)).build();
          submitted.add(task);
          t.fleet.dispatcher().submit(task);
        } else if (!victims.isEmpty()) {
          t.fleet.registry().deregister(victims.remove(Math.floorMod((Integer) step, victims.size())));
        }
      }
      for (MachineId v : victims) {
        t.fleet.registry().deregister(v);
      }
      List<TaskId> expected = new ArrayList<>();
      for (int i = 0; i < submitted.size(); i++) {
        assertEquals(TaskState.QUEUED, t.fleet.dispatcher().status(submitted.get(i).id()).orElseThrow().state());
      }
      submitted.stream()
          .sorted(Comparator.comparing(Task::priority).thenComparingInt(submitted::indexOf))
          .forEach(task -> expected.add(task.id()));
      assertEquals(expected, t.fleet.dispatcher().queue().stream().map(TaskStatus::id).toList(),
          "queue() is not priority then FIFO");

      List<TaskId> order = new ArrayList<>();
      Task running = null;
      for (TaskId next : expected) {
        Task head = submitted.get(Integer.parseInt(next.value().substring(1)));
        int seen = t.events.size();
        if (running != null) {
          Decision.Dispatched d = (Decision.Dispatched) t.fleet.dispatcher().submit(running);
          t.fleet.dispatcher().complete(running.id(), d.token(), TaskResult.success());
        }
        if (dispatchedSince(t, seen).isEmpty()) {
          // Room for exactly one task of the head's class: any reservation (>= 0.05) closes it again.
          t.beat("big", head.priority() == Priority.URGENT ? 0.94 : 0.79);
        }
        List<TaskId> now = dispatchedSince(t, seen);
        assertEquals(1, now.size(), "one slot opened but " + now + " were dispatched");
        order.addAll(now);
        running = submitted.get(Integer.parseInt(now.get(0).value().substring(1)));
      }
      assertEquals(expected, order, "dispatch order differs from queue()");
    }
  }

  @Property(tries = 100)
  void automaticDispatchTakesTheFirstWaitingTaskThatFitsAndTheQueueReadsPriorityThenFifo(
      @ForAll("fleets") FleetSpec fleet, @ForAll("operations") List<Op> ops) {
    try (FleetDriver d = FleetDriver.start(fleet, EnumSet.of(Check.ORDER))) {
      d.run(ops);
      covered(d);
    }
  }

  @Property(tries = 120)
  void noTaskIsLostOrDispatchedTwiceWhileTheRegistryChanges(
      @ForAll("fleets") FleetSpec fleet, @ForAll("operations") List<Op> ops) {
    try (FleetDriver d = FleetDriver.start(fleet, EnumSet.of(Check.BOOKKEEPING))) {
      d.run(ops);
      covered(d);
      // The end state, spelled out: each task in exactly one place.
      List<MachineStatus> machines = d.registry.list();
      List<TaskId> queue = d.dispatcher.queue().stream().map(TaskStatus::id).toList();
      int live = 0;
      for (FleetDriver.TaskModel m : d.tasks) {
        TaskStatus st = d.dispatcher.status(m.task.id()).orElseThrow();
        boolean queued = queue.contains(m.task.id());
        boolean onMachine = st.state() == TaskState.DISPATCHED || st.state() == TaskState.RUNNING;
        assertEquals(1, (queued ? 1 : 0) + (onMachine ? 1 : 0) + (st.state().isFinal() ? 1 : 0), m.toString());
        if (onMachine) {
          live++;
          assertEquals(1, machines.stream().filter(s -> s.id().equals(st.machine().orElseThrow())).count());
        }
      }
      assertEquals(live, machines.stream().mapToInt(MachineStatus::activeTasks).sum());
      List<FleetEvent.TaskChanged> changes = d.t.events(FleetEvent.TaskChanged.class);
      for (FleetDriver.TaskModel m : d.tasks) {
        int last = 0;
        for (FleetEvent.TaskChanged e : changes) {
          if (e.task().equals(m.task.id()) && e.to() == TaskState.DISPATCHED) {
            assertTrue(e.attempt() > last, "DISPATCHED events of " + m.task.id() + " must have rising attempts");
            last = e.attempt();
          }
        }
      }
    }
  }

  @Property(tries = 60)
  void planChangesNothing(@ForAll("fleets") FleetSpec fleet, @ForAll("operations") List<Op> ops,
      @ForAll("probes") List<TaskSpec> probes) {
    try (FleetDriver d = FleetDriver.start(fleet, EnumSet.noneOf(Check.class))) {
      d.run(ops);
      covered(d);
      int i = 0;
      for (TaskSpec p : probes) {
        Task task = Task.newBuilder("probe" + i++).requires(p.requires()).priority(p.priority()).weight(p.weight())
            .build();
        Observed before = Observed.of(d);
        Decision planned = d.dispatcher.plan(task);
        assertEquals(before, Observed.of(d), "plan(" + task.id() + ") changed something");
        // And what it says is what a submission then does.
        Decision submitted = d.dispatcher.submit(task);
        assertEquals(planned.getClass(), submitted.getClass(), planned + " vs " + submitted);
        if (planned instanceof Decision.Dispatched x) {
          Decision.Dispatched y = (Decision.Dispatched) submitted;
          assertEquals(0L, x.token());
          assertEquals(List.of(x.machine(), x.attempt(), x.load(), x.ceiling()),
              List.of(y.machine(), y.attempt(), y.load(), y.ceiling()));
        } else if (planned instanceof Decision.Queued) {
          assertEquals(planned.why().summary(), submitted.why().summary());
        }
      }
    }
  }

  /** Fails the property when too few of its tries exercised what it is about. */
  private static void covered(FleetDriver d) {
    Statistics.label("dispatched").collect(d.dispatchesChecked > 0);
    Statistics.label("queued").collect(d.queuedChecked > 0);
    Statistics.label("dispatched from the queue").collect(d.automaticDispatches > 0);
    Statistics.label("dispatched").coverage(c -> c.check(true).percentage(p -> p >= 50));
    Statistics.label("queued").coverage(c -> c.check(true).percentage(p -> p >= 30));
    Statistics.label("dispatched from the queue").coverage(c -> c.check(true).percentage(p -> p >= 20));
  }

  /** Everything a caller can observe about a fleet. */
  record Observed(List<MachineStatus> machines, List<TaskStatus> queue, List<Optional<TaskStatus>> tasks, int events,
      long nanos) {
    static Observed of(FleetDriver d) {
      return new Observed(d.registry.list(), d.dispatcher.queue(),
          d.tasks.stream().map(m -> d.dispatcher.status(m.task.id())).toList(), d.t.events.size(), d.t.ticker.read());
    }
  }

  // ------------------------------------------------------------------ regressions found by the properties

  /** Found by the ceiling property: 0.7 + 0.1 was 0.7999999999999999 and took a second task ("0.80 < 0.80"). */
  @Example
  void aMachineReportingSeventyPercentIsAtTheCeilingAfterOneTenPercentTask() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.beat("a", 0.7);
      assertInstanceOf(Decision.Dispatched.class, t.fleet.dispatcher().submit(Task.newBuilder("1").requires("x").build()));
      assertEquals(0.8, t.fleet.registry().get(MachineId.of("a")).orElseThrow().effectiveLoad());
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().submit(Task.newBuilder("2").requires("x").build()));
    }
  }

  /** Found by the order property: a task put back in the queue was listed first but dispatched last. */
  @Example
  void aTaskPutBackInTheQueueKeepsItsPlaceAndLeavesInTheOrderQueueShows() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("v", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"), Health.ONLINE, 0.9);
      t.fleet.dispatcher().submit(Task.newBuilder("A").requires("x")
          .reschedule(ReschedulePolicy.constant(java.time.Duration.ZERO)).build()); // to v
      t.beat("v", 0.9);
      t.fleet.dispatcher().submit(Task.newBuilder("B").requires("x").build()); // waits
      t.fleet.registry().deregister(MachineId.of("v")); // A waits again
      assertEquals(List.of("A", "B"), t.fleet.dispatcher().queue().stream().map(s -> s.id().value()).toList());
      int seen = t.events.size();
      t.beat("a", 0.75); // room for one
      assertEquals(List.of(TaskId.of("A")), dispatchedSince(t, seen));
    }
  }

  /** Found by the bookkeeping property: a task was dispatched a fourth time although maxAttempts is 3. */
  @Example
  void aTaskWhoseMachinesKeepLeavingIsDeadLetteredAfterMaxAttempts() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"), Health.ONLINE, 0.5);
      Task task = Task.newBuilder("t").requires("x").maxAttempts(2)
          .reschedule(ReschedulePolicy.constant(java.time.Duration.ZERO)).build();
      assertEquals(MachineId.of("a"), ((Decision.Dispatched) t.fleet.dispatcher().submit(task)).machine());
      t.fleet.registry().deregister(MachineId.of("a"));
      TaskStatus second = t.fleet.dispatcher().status(task.id()).orElseThrow();
      assertEquals(List.of(TaskState.DISPATCHED, 2, Optional.of(MachineId.of("b"))),
          List.of(second.state(), second.attempt(), second.machine()));
      t.fleet.registry().deregister(MachineId.of("b"));
      TaskStatus last = t.fleet.dispatcher().status(task.id()).orElseThrow();
      assertEquals(TaskState.DEAD_LETTERED, last.state(), last.why().summary());
      assertEquals(2, last.attempt());
      assertTrue(last.why().summary().contains("2 of 2"), last.why().summary());
      assertEquals(List.of(), t.fleet.dispatcher().queue());
    }
  }

  private static List<TaskId> dispatchedSince(TestFleet t, int from) {
    return t.events.subList(from, t.events.size()).stream()
        .filter(e -> e instanceof FleetEvent.TaskChanged c && c.to() == TaskState.DISPATCHED)
        .map(e -> ((FleetEvent.TaskChanged) e).task()).toList();
  }

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<FleetSpec> fleets() {
    // Half small fleets, which fill up and queue soon; half up to 40 machines, with more overlap and ties.
    return Combinators.combine(
        Arbitraries.oneOf(machineSpecs().list().ofMinSize(1).ofMaxSize(6),
            machineSpecs().list().ofMinSize(1).ofMaxSize(40)),
        Arbitraries.frequency(Tuple.of(5, 0), Tuple.of(1, 3), Tuple.of(1, 12)))
        .as(FleetSpec::new);
  }

  static Arbitrary<MachineSpec> machineSpecs() {
    return Combinators.combine(capabilities(), loads(), starts()).as(MachineSpec::new);
  }

  static Arbitrary<List<String>> capabilities() {
    return Arbitraries.of(CAPS).list().uniqueElements().ofMinSize(1).ofMaxSize(CAPS.size());
  }

  /** Loads that tie, loads at and a hair either side of both ceilings, and anything in between. */
  static Arbitrary<Double> loads() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)),
        Tuple.of(4, Arbitraries.of(0.8, Math.nextDown(0.8), Math.nextUp(0.8), 0.7999, 0.8001, 0.75, 0.85, 0.9,
            Math.nextDown(0.95), 0.95, 0.9499, 1.0, 1.5)),
        Tuple.of(2, Arbitraries.doubles().between(0, 1.2).ofScale(3)));
  }

  static Arbitrary<Start> starts() {
    return Arbitraries.frequency(
        Tuple.of(8, Start.ONLINE), Tuple.of(1, Start.SUSPECT), Tuple.of(1, Start.OFFLINE_BY_SILENCE),
        Tuple.of(1, Start.REGISTERED_OFFLINE), Tuple.of(1, Start.REGISTERED_ASLEEP), Tuple.of(1, Start.DRAINING),
        Tuple.of(1, Start.REGISTERED_DRAINING));
  }

  static Arbitrary<Set<String>> requirements() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(Set.<String>of())),
        Tuple.of(4, Arbitraries.of(CAPS).set().ofSize(1)),
        Tuple.of(3, Arbitraries.of(CAPS).set().ofSize(2)),
        Tuple.of(1, Arbitraries.of(CAPS).set().ofSize(3)));
  }

  static Arbitrary<TaskSpec> taskSpecs() {
    return Combinators.combine(
        requirements(),
        Arbitraries.of(Priority.class),
        Arbitraries.of(Weight.class),
        Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(5, 60))))
        .as(TaskSpec::new);
  }

  @Provide
  Arbitrary<List<TaskSpec>> probes() {
    return taskSpecs().list().ofMinSize(1).ofMaxSize(15);
  }

  @Provide
  Arbitrary<List<Object>> orderScripts() {
    Arbitrary<TaskSpec> noDeadline = taskSpecs().map(s -> new TaskSpec(s.requires(), s.priority(), s.weight(), 0));
    return Arbitraries.frequencyOf(Tuple.of(6, noDeadline.map(s -> (Object) s)),
        Tuple.of(1, Arbitraries.integers().between(0, 2).map(i -> (Object) i)))
        .list().ofMinSize(1).ofMaxSize(50);
  }

  private static Arbitrary<Integer> pick() {
    return Arbitraries.integers().between(0, 1000);
  }

  /** Everything a fleet can be told, in random order. */
  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<TokenKind> tokens = Arbitraries.frequency(Tuple.of(6, TokenKind.CURRENT), Tuple.of(2, TokenKind.PREVIOUS),
        Tuple.of(1, TokenKind.FORGED));
    return Arbitraries.frequencyOf(
        Tuple.of(24, op(taskSpecs().map(Submit::new))),
        Tuple.of(3, op(pick().map(Resubmit::new))),
        Tuple.of(3, op(taskSpecs().map(Plan::new))),
        Tuple.of(18, op(beats())),
        Tuple.of(8, op(Combinators.combine(pick(), tokens).as(Started::new))),
        Tuple.of(10, op(Combinators.combine(pick(), Arbitraries.of(true, false), tokens).as(Complete::new))),
        Tuple.of(4, op(pick().map(Cancel::new))),
        Tuple.of(1, op(Arbitraries.just(new CancelUnknown()))),
        Tuple.of(3, op(machineSpecs().map(Register::new))),
        Tuple.of(2, op(Combinators.combine(pick(), capabilities()).as(Reregister::new))),
        Tuple.of(4, op(Combinators.combine(pick(), capabilities()).as(Update::new))),
        Tuple.of(3, op(pick().map(Drain::new))),
        Tuple.of(3, op(pick().map(Undrain::new))),
        Tuple.of(3, op(pick().map(Deregister::new))),
        Tuple.of(4, op(Arbitraries.integers().between(1, 12).map(Advance::new))),
        Tuple.of(1, op(Arbitraries.just(new Sweep()))))
        .list().ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
  }

  /** Mostly decisions, with enough heartbeats and results to move loads between them. */
  @Provide
  Arbitrary<List<Op>> placements() {
    return Arbitraries.frequencyOf(
        Tuple.of(10, op(taskSpecs().map(Submit::new))),
        Tuple.of(10, op(taskSpecs().map(Plan::new))),
        Tuple.of(8, op(beats())),
        Tuple.of(4, op(Combinators.combine(pick(), Arbitraries.just(TokenKind.CURRENT)).as(Started::new))),
        Tuple.of(4, op(Combinators.combine(pick(), Arbitraries.of(true, false), Arbitraries.just(TokenKind.CURRENT))
            .as(Complete::new))),
        Tuple.of(2, op(pick().map(Cancel::new))),
        Tuple.of(1, op(machineSpecs().map(Register::new))),
        Tuple.of(1, op(Combinators.combine(pick(), capabilities()).as(Update::new))),
        Tuple.of(1, op(pick().map(Deregister::new))),
        Tuple.of(1, op(pick().map(Undrain::new))),
        Tuple.of(1, op(Arbitraries.integers().between(1, 12).map(Advance::new))))
        .list().ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
  }

  private static Arbitrary<Op> op(Arbitrary<? extends Op> ops) {
    return ops.map(Op.class::cast);
  }

  private static Arbitrary<Op> beats() {
    return Combinators.combine(pick(), loads(),
        Arbitraries.frequency(Tuple.of(8, BeatKind.NEXT), Tuple.of(1, BeatKind.REPEATED), Tuple.of(1, BeatKind.RESTART)))
        .as(Beat::new);
  }
}
