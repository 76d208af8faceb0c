package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Fleet;
import dev.fleet.Machine;
import dev.fleet.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetBuilderTest {

  @Test
  void eachSettingMayBeGivenOnceAndTheMessageSaysWhich() {
    FleetBuilder b = Fleets.newBuilder().loadCeiling(0.7);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.loadCeiling(0.6));
    assertEquals("loadCeiling was already set to 0.7; each setting may be given once", e.getMessage());
  }

  @Test
  void badValuesNameThemselves() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Fleets.newBuilder().loadCeiling(-1))
        .getMessage().contains("-1.0"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Fleets.newBuilder().heartbeatInterval(Duration.ZERO)).getMessage().contains("PT0S"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Fleets.newBuilder()
        .suspectAfter(Duration.ofSeconds(20)).offlineAfter(Duration.ofSeconds(10)).build());
    assertEquals("offlineAfter PT10S must be longer than suspectAfter PT20S", e.getMessage());
  }

  @Test
  void aBuilderBuildsOnce() {
    FleetBuilder b = Fleets.newBuilder();
    try (Fleet f = b.build()) {
      assertThrows(IllegalStateException.class, b::build);
    }
  }

  @Test
  void aClosedFleetRefusesWork() {
    Fleet f = Fleets.newBuilder().ticker(new FakeTicker()).build();
    f.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> f.registry().register(Machine.of("a", "a.local", "r", List.of("x"))));
    assertEquals("fleet is closed", e.getMessage());
  }

  @Test
  void theDefaultRulesPageIsPinned() {
    try (Fleet f = Fleets.newBuilder().ticker(new FakeTicker()).build()) {
      assertEquals("""
          Fleet rules (generated from the live configuration)

          1. A task goes to a machine that is online, has every capability the task requires, and whose load is \
          below 0.80 (urgent tasks: below 0.95).
          2. Among those, the least-loaded of them wins; ties go to the machine registered first (strategy \
          'least-loaded').
          3. If no machine fits, the task waits in the queue with the reason for each machine, and is dispatched as \
          soon as a registration, heartbeat, completion or cancellation could let it fit: highest priority first \
          (urgent, high, normal, low, background), first come first served within a priority.
          4. A dispatched task counts as load 0.10 against its machine (light 0.05, heavy 0.20) until a heartbeat \
          sent after it started reports it, so a burst of tasks spreads over the fleet.
          5. Machines heartbeat every 5s; a machine silent for 15s is suspect and takes no new work; silent for 30s \
          it is offline (detector 'fixed-timeout'). A heartbeat brings it back online.
          6. A machine that goes offline or leaves has its unfinished tasks moved: each goes back to the queue as a \
          new attempt after its retry delay (by default 1s, then 2s, 4s, ... up to 1min), preferring another \
          machine; a task that has used all its attempts (3 by default) is dead-lettered with its history.
          7. A machine that announces it is going to sleep, or a laptop (label form=laptop) that falls silent on \
          battery or after its owner was idle for 2min, is asleep, not failed: it takes no new work and its tasks \
          wait for it for their asleep grace (5min by default) before they move.
          8. A drained machine takes no new work and finishes what it runs; with a deadline, what is still running \
          then is moved. A machine drained for shutdown takes work again when it comes back.
          9. A task that prefers a role goes to a machine of that role; while none of them has been back online for \
          1min, to a machine they name as their backup; failing that, to any machine that fits.
          10. Every dispatch is an attempt with its own token; a result or start report with any other token is \
          refused, and exactly one result is accepted per task. A person may move a task to a named machine; the \
          move is explained on the task.
          11. A waiting task whose deadline passes is cancelled. The queue holds at most 100000 tasks; beyond that a \
          submission is rejected. A resubmission with the same idempotency key within 24h returns the first task.
          """, f.describeRules());
    }
  }

  @Test
  void theRulesPageFollowsTheConfiguration() {
    try (Fleet f = Fleets.newBuilder().ticker(new FakeTicker()).loadCeiling(0.6).heartbeatInterval(Duration.ofSeconds(2))
        .build()) {
      String rules = f.describeRules();
      assertTrue(rules.contains("below 0.60 (urgent tasks: below 0.95)"), rules);
      assertTrue(rules.contains("heartbeat every 2s; a machine silent for 6s is suspect"), rules);
    }
  }
}
