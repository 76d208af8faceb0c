package dev.fleet.testing.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FaultSchedulesProperties {

  /** A generated schedule and the bounds it was generated for. */
  record Case(int machines, Duration length, int maxFaults, FaultSchedule schedule) {}

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(Arbitraries.integers().between(1, 12), Arbitraries.integers().between(2, 60),
            Arbitraries.integers().between(0, 30))
        .flatAs((machines, minutes, max) -> FaultSchedules.schedules(machines, Duration.ofMinutes(minutes), max)
            .map(s -> new Case(machines, Duration.ofMinutes(minutes), max, s)));
  }

  @Property(tries = 300)
  void generatedSchedulesStayWithinTheRunAndTheMachines(@ForAll("cases") Case c) {
    FaultSchedule schedule = c.schedule();
    assertTrue(schedule.machinesNamed() <= c.machines(), schedule::toString);
    assertTrue(schedule.end().compareTo(c.length()) < 0, () -> "every effect is over before the run ends: " + schedule);
    assertTrue(schedule.faults().size() <= c.maxFaults(), schedule::toString);
    for (int i = 1; i < schedule.faults().size(); i++) {
      assertTrue(schedule.faults().get(i - 1).at().compareTo(schedule.faults().get(i).at()) <= 0, "sorted");
    }
  }
}
