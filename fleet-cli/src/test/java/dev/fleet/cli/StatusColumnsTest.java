package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineStatus;
import dev.fleet.Signals;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** fleet status's LAST SEEN and SLOTS cells. */
class StatusColumnsTest {
  @Test
  void lastSeenIsCoarseAndNeverNegative() {
    assertEquals("0s ago", StatusCommand.ago(Duration.ofMillis(400)));
    assertEquals("12s ago", StatusCommand.ago(Duration.ofSeconds(12)));
    assertEquals("119s ago", StatusCommand.ago(Duration.ofSeconds(119)));
    assertEquals("2m ago", StatusCommand.ago(Duration.ofSeconds(120)));
    assertEquals("3h ago", StatusCommand.ago(Duration.ofMinutes(200)));
    assertEquals("3d ago", StatusCommand.ago(Duration.ofDays(3)));
    assertEquals("0s ago", StatusCommand.ago(Duration.ofSeconds(-5)), "a heartbeat stamped by a clock ahead of ours");
  }

  @Test
  void slotsAreTasksOverTheSlotsLabelOrADashWhenUnknown() {
    Machine m = Machine.of("m1", "m1.local", "worker", java.util.List.of("code"));
    assertEquals("2/-", StatusCommand.slots(status(m, 2)));
    assertEquals("1/4", StatusCommand.slots(status(m.withLabel("slots", "4"), 1)));
    assertEquals("0/1", StatusCommand.slots(status(m.withSlots(1), 0)));
  }

  private static MachineStatus status(Machine m, int active) {
    return new MachineStatus(m, Health.ONLINE, 0.1, 0.1, Signals.NONE, Optional.empty(), active, 1);
  }
}
