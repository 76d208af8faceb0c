package dev.fleet.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.TaskState;
import dev.fleet.testing.sim.Fault;
import dev.fleet.testing.sim.FaultSchedule;
import dev.fleet.testing.sim.FleetSimulator;
import dev.fleet.testing.sim.Invariants;
import dev.fleet.testing.sim.SimulationResult;
import dev.fleet.testing.sim.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the simulator does with each kind of fault, seen through the real core's events. */
class FleetSimulatorTest {
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final MachineId M0 = FleetSimulator.machineId(0);

  /** Three machines heartbeating every second; the fleet's default timeouts: suspect at 3 s, offline at 6 s. */
  private static FleetSimulator.Builder sim(Fault... faults) {
    return FleetSimulator.newBuilder(SimFleets.defaults(SECOND))
        .seed(3)
        .machines(3)
        .heartbeatInterval(SECOND)
        .duration(Duration.ofMinutes(4))
        .workload(Workload.steady(30).withRunTimes(Duration.ofSeconds(30), Duration.ofMinutes(2)))
        .faults(FaultSchedule.of(faults));
  }

  private static List<FleetEvent.HealthChanged> health(SimulationResult r, MachineId m) {
    return r.events().stream().filter(e -> e instanceof FleetEvent.HealthChanged h && h.machine().equals(m))
        .map(FleetEvent.HealthChanged.class::cast).toList();
  }

  private static void assertInvariants(SimulationResult r) {
    for (List<String> v : List.of(Invariants.noTaskLost(r), Invariants.atMostOneAcceptedResult(r),
        Invariants.dispatchedOnlyToOnline(r), Invariants.drainedWorkGoneByDeadline(r))) {
      assertTrue(v.isEmpty(), () -> Invariants.summary(v, 5, r));
    }
  }

  @Test
  void aCrashIsDetectedAndItsWorkRunsElsewhereAfterTheRetryDelay() {
    SimulationResult r = sim(new Fault.Crash(0, Duration.ofMinutes(1))).build().run();

    assertEquals(1, r.crashes().size());
    SimulationResult.CrashRecord c = r.crashes().get(0);
    Duration detect = c.detection().orElseThrow();
    // Offline after 6 s of silence; the last heartbeat came at most an interval plus jitter before the crash.
    assertTrue(detect.compareTo(Duration.ofMillis(4_890)) >= 0 && detect.compareTo(Duration.ofSeconds(6)) <= 0,
        "detected in " + detect);
    assertFalse(c.work().isEmpty(), "it had work");
    Duration moved = c.allWorkRunningAgain().orElseThrow();
    assertTrue(moved.compareTo(detect.plusSeconds(1)) >= 0, "work runs again after the 1 s retry delay: " + moved);
    assertTrue(r.falseVerdicts().isEmpty());
    assertInvariants(r);
  }

  @Test
  void aLongPartitionLosesHeartbeatsWhileWorkGoesOnAndLateResultsAreRefused() {
    SimulationResult r = sim(new Fault.Partition(0, Duration.ofMinutes(1), Duration.ofSeconds(90))).build().run();

    List<FleetEvent.HealthChanged> m0 = health(r, M0);
    assertEquals(List.of(Health.ONLINE, Health.SUSPECT, Health.OFFLINE, Health.ONLINE),
        m0.stream().map(FleetEvent.HealthChanged::to).toList());
    assertTrue(r.falseVerdicts().isEmpty(), "a partitioned machine is really unreachable: " + r.falseVerdicts());
    assertTrue(r.staleReports() > 0, "results of work moved away while partitioned are refused");
    assertInvariants(r);
  }

  @Test
  void aShortPartitionOnlyDelaysResults() {
    SimulationResult r = sim(new Fault.Partition(0, Duration.ofMinutes(1), Duration.ofSeconds(2))).build().run();

    assertEquals(1, health(r, M0).size(), "never suspected: " + health(r, M0));
    assertEquals(0, r.staleReports());
    assertInvariants(r);
  }

  @Test
  void lostReportsAreResentAfterThePartitionHeals() {
    SimulationResult r = sim(new Fault.Partition(0, Duration.ofMinutes(1), Duration.ofSeconds(2), true)).build().run();

    assertEquals(0, r.staleReports());
    assertInvariants(r);
  }

  @Test
  void aPauseLongerThanTheTimeoutIsAFalseVerdictAndAShortOneIsNot() {
    SimulationResult r = sim(new Fault.Pause(0, Duration.ofMinutes(1), Duration.ofSeconds(2)),
        new Fault.Pause(1, Duration.ofMinutes(2), Duration.ofSeconds(10))).build().run();

    assertEquals(1, r.falseVerdicts().size(), r.falseVerdicts().toString());
    SimulationResult.FalseVerdict v = r.falseVerdicts().get(0);
    assertEquals(FleetSimulator.machineId(1), v.machine());
    assertEquals(Health.OFFLINE, v.verdict());
    assertTrue(v.condition().startsWith("paused"), v.condition());
    assertInvariants(r);
  }

  @Test
  void aLaptopThatFallsSilentIsTakenToBeAsleepNotDown() {
    SimulationResult r = sim(new Fault.Sleep(2, Duration.ofMinutes(1), Duration.ofSeconds(30), false))
        .laptops(1).build().run();

    assertEquals(List.of(Health.ONLINE, Health.SUSPECT, Health.ASLEEP, Health.ONLINE),
        health(r, FleetSimulator.machineId(2)).stream().map(FleetEvent.HealthChanged::to).toList());
    assertTrue(r.falseVerdicts().isEmpty());
    assertInvariants(r);
  }

  @Test
  void anAnnouncedSleepIsNoVerdictAndItsWorkWaits() {
    SimulationResult r = sim(new Fault.Sleep(0, Duration.ofMinutes(1), Duration.ofSeconds(30), true)).build().run();

    List<FleetEvent.HealthChanged> m0 = health(r, M0);
    assertEquals(List.of(Health.ONLINE, Health.ASLEEP, Health.ONLINE), m0.stream().map(FleetEvent.HealthChanged::to).toList());
    assertEquals("announced it is going to sleep", m0.get(1).reason());
    assertEquals(0, r.staleReports(), "its work waited for it and finished there");
    assertInvariants(r);
  }

  @Test
  void aRebootLosesTheWorkAndItRunsElsewhere() {
    SimulationResult r = sim(new Fault.Restart(0, Duration.ofMinutes(1))).build().run();

    long lost = r.finalStatuses().values().stream()
        .filter(s -> s.attempts().stream().anyMatch(a -> a.ending().equals("m0 restarted and lost its work")))
        .count();
    assertTrue(lost > 0, "the reboot's lost attempts were moved");
    assertEquals(1, health(r, M0).size(), "a reboot within the timeout is no outage");
    assertInvariants(r);
  }

  @Test
  void aDrainMovesRemainingWorkAtItsDeadline() {
    SimulationResult r = sim(new Fault.Drain(0, Duration.ofMinutes(1), Duration.ofSeconds(10))).build().run();

    assertEquals(Health.DRAINING, health(r, M0).get(1).to());
    assertTrue(r.finalStatuses().values().stream()
        .anyMatch(s -> s.attempts().stream().anyMatch(a -> a.ending().equals("drain deadline of m0 passed"))));
    assertInvariants(r);
  }

  @Test
  void resentSlowResultsAreAcceptedOnce() {
    SimulationResult r = sim().workload(Workload.steady(30).withRunTimes(Duration.ofSeconds(10), Duration.ofSeconds(30))
        .withSlowResults(1.0, Duration.ofSeconds(5))).build().run();

    assertTrue(r.staleReports() > 0, "the second copy of a result is refused");
    assertEquals(r.finalStatuses().size(), r.acceptedResults().size());
    assertEquals(r.finalStatuses().size(), (long) r.outcomes().get(TaskState.SUCCEEDED));
    assertInvariants(r);
  }

  @Test
  void theSeedDecidesTheRun() {
    FleetSimulator a = sim(new Fault.Crash(1, Duration.ofMinutes(1))).seed(11).build();
    assertEquals(a.run().events(), a.run().events());
    assertNotEquals(a.run().events(), sim(new Fault.Crash(1, Duration.ofMinutes(1))).seed(12).build().run().events());
  }

  @Test
  void theFleetMustExpectTheAgentsInterval() {
    FleetSimulator wrong = FleetSimulator.newBuilder(SimFleets.defaults(Duration.ofSeconds(5)))
        .heartbeatInterval(SECOND).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, wrong::run);
    assertTrue(e.getMessage().contains("heartbeatInterval(PT1S)"), e.getMessage());
  }

  @Test
  void aScheduleMustNameOnlyMachinesThatExist() {
    assertThrows(IllegalArgumentException.class, () -> sim(new Fault.Crash(3, Duration.ZERO)).build());
  }
}
