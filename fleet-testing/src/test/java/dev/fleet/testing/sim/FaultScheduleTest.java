package dev.fleet.testing.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Test
  void faultsAreSortedByTimeAndTiesKeepTheirOrder() {
    Fault crash = new Fault.Crash(1, s(30));
    Fault drain = new Fault.Drain(0, s(10), s(5));
    Fault restart = new Fault.Restart(1, s(30));
    FaultSchedule schedule = FaultSchedule.of(crash, drain, restart);
    assertEquals(List.of(drain, crash, restart), schedule.faults());
  }

  @Test
  void endIsWhenTheLastEffectIsOver() {
    FaultSchedule schedule = FaultSchedule.of(new Fault.Sleep(0, s(10), s(100), true), new Fault.Crash(2, s(50)),
        new Fault.Drain(1, s(60), s(30)));
    assertEquals(s(110), schedule.end());
    assertEquals(3, schedule.machinesNamed());
    assertEquals(Duration.ZERO, FaultSchedule.none().end());
    assertEquals(0, FaultSchedule.none().machinesNamed());
  }

  @Test
  void plusAddsAndOfTypeFilters() {
    FaultSchedule schedule = FaultSchedule.of(new Fault.Crash(0, s(5)))
        .plus(List.of(new Fault.Pause(0, s(1), s(2)), new Fault.Crash(1, s(3))));
    assertEquals(3, schedule.faults().size());
    assertEquals(List.of(new Fault.Crash(1, s(3)), new Fault.Crash(0, s(5))), schedule.ofType(Fault.Crash.class));
  }

  @Test
  void aPartitionHoldsReportsUnlessToldTheyAreLost() {
    assertFalse(new Fault.Partition(0, s(1), s(2)).reportsLost());
    assertTrue(new Fault.Partition(0, s(1), s(2), true).reportsLost());
  }

  @Test
  void badFaultsAreRefusedWithTheReason() {
    assertEquals("machine must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> new Fault.Crash(-1, s(1))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Fault.Restart(0, s(-1)));
    assertEquals("pause duration must be positive, got PT0S",
        assertThrows(IllegalArgumentException.class, () -> new Fault.Pause(0, s(1), Duration.ZERO)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Fault.Sleep(0, s(1), s(-1), false));
    assertThrows(IllegalArgumentException.class, () -> new Fault.Partition(0, s(1), Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new Fault.Drain(0, s(1), s(-1)));
    assertThrows(NullPointerException.class, () -> FaultSchedule.of(new Fault.Crash(0, s(1)), null));
  }

  @Test
  void modelsRefuseNonsense() {
    assertThrows(IllegalArgumentException.class, () -> PauseModel.uniform(-1, s(1), s(2)));
    assertThrows(IllegalArgumentException.class, () -> PauseModel.uniform(1, s(3), s(2)));
    assertThrows(IllegalArgumentException.class, () -> PauseModel.uniform(1, Duration.ZERO, Duration.ZERO));
    assertFalse(PauseModel.none().pauses());
    assertThrows(IllegalArgumentException.class, () -> Workload.steady(-1));
    assertThrows(IllegalArgumentException.class, () -> Workload.steady(1).withFailShare(1.5));
    assertThrows(IllegalArgumentException.class, () -> Workload.steady(1).withRunTimes(s(5), s(4)));
    assertThrows(IllegalArgumentException.class, () -> Workload.steady(1).withMaxAttempts(0));
    assertEquals(0, Workload.none().tasksPerMinute());
  }

  @Test
  void theSimulatorRefusesSchedulesAndSettingsThatCannotBe() {
    FleetFactory unused = (t, s, tr, ex) -> {
      throw new AssertionError("not built");
    };
    assertThrows(IllegalArgumentException.class,
        () -> FleetSimulator.newBuilder(unused).machines(2).faults(FaultSchedule.of(new Fault.Crash(2, s(1)))).build());
    assertThrows(IllegalArgumentException.class,
        () -> FleetSimulator.newBuilder(unused).heartbeatInterval(s(1)).jitter(s(1)).build());
    assertThrows(IllegalArgumentException.class, () -> FleetSimulator.newBuilder(unused).machines(2).laptops(3).build());
    assertThrows(IllegalArgumentException.class, () -> FleetSimulator.newBuilder(unused).machines(0));
    assertEquals("m7", FleetSimulator.machineId(7).value());
  }
}
