package dev.fleet.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.FleetEvent;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.testing.sim.Fault;
import dev.fleet.testing.sim.FaultSchedule;
import dev.fleet.testing.sim.FaultSchedules;
import dev.fleet.testing.sim.FleetFactory;
import dev.fleet.testing.sim.FleetSimulator;
import dev.fleet.testing.sim.Invariants;
import dev.fleet.testing.sim.PauseModel;
import dev.fleet.testing.sim.SimulationResult;
import dev.fleet.testing.sim.Workload;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The fleet's promises under generated fault schedules: each try simulates 3 to 12 machines for 10 to 30
 * minutes of virtual time with crashes, restarts, sleeps (announced or not), partitions, pauses and drains
 * while tasks arrive (1 to 3 attempts each, under the phi-accrual or the default fixed-timeout detector, at a
 * 1, 2 or 5 s heartbeat interval), then lets the run settle and checks one invariant over the whole history.
 * Coverage checks make sure enough runs put work in harm's way for the check to mean something.
 */
class FaultScheduleProperties {

  /** One generated run: the fleet's detector and the simulation around it. */
  record Scenario(long seed, int machines, int laptops, int minutes, int intervalSeconds, boolean phi,
      int maxAttempts, FaultSchedule faults) {

    FleetSimulator simulator() {
      Duration interval = Duration.ofSeconds(intervalSeconds);
      FleetFactory fleet = phi ? SimFleets.phi(interval, Duration.ofSeconds(3)) : SimFleets.defaults(interval);
      return FleetSimulator.newBuilder(fleet)
          .seed(seed)
          .machines(machines)
          .laptops(laptops)
          .heartbeatInterval(interval)
          .duration(Duration.ofMinutes(minutes))
          .pauses(PauseModel.uniform(4, Duration.ofMillis(100), Duration.ofSeconds(3)))
          .workload(Workload.steady(machines)
              .withRunTimes(Duration.ofSeconds(5), Duration.ofMinutes(3))
              .withGpuShare(0.2)
              .withFailShare(0.05)
              .withCancelShare(0.05)
              .withDeadlines(0.05, Duration.ofMinutes(2))
              .withSlowResults(0.05, Duration.ofSeconds(30))
              .withMaxAttempts(maxAttempts))
          .faults(faults)
          .build();
    }

    SimulationResult run() {
      return simulator().run();
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Long> seeds = Arbitraries.longs();
    Arbitrary<Integer> machines = Arbitraries.integers().between(3, 12);
    Arbitrary<Integer> minutes = Arbitraries.integers().between(10, 30);
    Arbitrary<Integer> intervals = Arbitraries.of(1, 2, 5);
    Arbitrary<Boolean> phi = Arbitraries.of(false, true);
    Arbitrary<Integer> attempts = Arbitraries.integers().between(1, 3);
    return Combinators.combine(seeds, machines, minutes, intervals, phi, attempts)
        .flatAs((seed, n, min, interval, p, tries) ->
            Combinators.combine(Arbitraries.integers().between(0, Math.min(2, n - 1)),
                    FaultSchedules.schedules(n, Duration.ofMinutes(min), 3 * n))
                .as((laptops, faults) -> new Scenario(seed, n, laptops, min, interval, p, tries, faults)));
  }

  @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
  void noTaskIsLost(@ForAll("scenarios") Scenario s) {
    SimulationResult r = s.run();
    List<String> violations = Invariants.noTaskLost(r);
    assertTrue(violations.isEmpty(), () -> Invariants.summary(violations, 5, r));

    // The property means something only if the runs put work in harm's way often enough.
    Statistics.label("a crash hit work").collect(r.crashes().stream().anyMatch(c -> !c.work().isEmpty()));
    Statistics.label("a report was refused as stale").collect(r.staleReports() > 0);
    Statistics.label("a task was dead-lettered").collect(r.outcomes().containsKey(TaskState.DEAD_LETTERED));
    // Thresholds at about half the rates seen over many runs, so they hold for any seed.
    Statistics.label("a crash hit work").coverage(c -> c.check(true).percentage(p -> p >= 15));
    Statistics.label("a report was refused as stale").coverage(c -> c.check(true).percentage(p -> p >= 40));
    Statistics.label("a task was dead-lettered").coverage(c -> c.check(true).percentage(p -> p >= 5));
  }

  @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
  void noTaskHasTwoAcceptedResults(@ForAll("scenarios") Scenario s) {
    SimulationResult r = s.run();
    List<String> violations = Invariants.atMostOneAcceptedResult(r);
    assertTrue(violations.isEmpty(), () -> Invariants.summary(violations, 5, r));
  }

  @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
  void noAttemptIsDispatchedToAMachineThatIsNotOnline(@ForAll("scenarios") Scenario s) {
    SimulationResult r = s.run();
    List<String> violations = Invariants.dispatchedOnlyToOnline(r);
    assertTrue(violations.isEmpty(), () -> Invariants.summary(violations, 5, r));
  }

  @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
  void workOfADrainedMachineIsGoneByTheDeadline(@ForAll("scenarios") Scenario s) {
    SimulationResult r = s.run();
    List<String> violations = Invariants.drainedWorkGoneByDeadline(r);
    assertTrue(violations.isEmpty(), () -> Invariants.summary(violations, 5, r));

    Statistics.label("a machine was drained with work on it").collect(drainedWithWork(r));
    Statistics.label("a machine was drained with work on it").coverage(c -> c.check(true).percentage(p -> p >= 10));
  }

  /** Whether some drained machine had work dispatched or running when the drain began. */
  private static boolean drainedWithWork(SimulationResult r) {
    for (Fault.Drain d : r.faults().ofType(Fault.Drain.class)) {
      long at = r.startNanos() + d.at().toNanos();
      MachineId m = r.machines().get(d.machine());
      Map<TaskId, MachineId> activeOn = new HashMap<>();
      for (FleetEvent e : r.events()) {
        if (e.atNanos() > at) {
          break;
        }
        if (e instanceof FleetEvent.TaskChanged t) {
          if ((t.to() == TaskState.DISPATCHED || t.to() == TaskState.RUNNING) && t.machine().isPresent()) {
            activeOn.put(t.task(), t.machine().get());
          } else {
            activeOn.remove(t.task());
          }
        }
      }
      if (activeOn.containsValue(m)) {
        return true;
      }
    }
    return false;
  }

  @Property(tries = 30, edgeCases = EdgeCasesMode.NONE)
  void sameSeedSameRun(@ForAll("scenarios") Scenario s) {
    FleetSimulator sim = s.simulator();
    SimulationResult first = sim.run();
    SimulationResult second = sim.run();
    assertEquals(first.events().size(), second.events().size(), "events in the two runs");
    for (int i = 0; i < first.events().size(); i++) {
      int at = i;
      assertEquals(first.events().get(i), second.events().get(i), () -> "event " + at + " of " + first);
    }
    assertEquals(first.acceptedResults(), second.acceptedResults(), "accepted results");
    assertEquals(first.crashes(), second.crashes(), "crash records");
    assertEquals(first.falseVerdicts(), second.falseVerdicts(), "false verdicts");
    assertEquals(first.staleReports(), second.staleReports(), "stale reports");
    assertEquals(first.endNanos(), second.endNanos(), "end of the run");
  }
}
