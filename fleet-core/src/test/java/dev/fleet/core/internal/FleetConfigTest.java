package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Priority;
import dev.fleet.core.Detectors;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each group of the configuration refuses a bad value by itself, naming it. */
class FleetConfigTest {
  private static final Duration S5 = Duration.ofSeconds(5);

  private static String refused(Runnable build) {
    return assertThrows(IllegalArgumentException.class, build::run).getMessage();
  }

  @Test
  void heartbeatTimingsMustGrowFromIntervalToSuspectToOffline() {
    var fixed = Detectors.fixedTimeout(Duration.ofSeconds(10), Duration.ofSeconds(20));
    String m = refused(() -> new FleetConfig.Heartbeats(S5, Duration.ofSeconds(20), Duration.ofSeconds(10), fixed,
        Duration.ofMinutes(2)));
    assertTrue(m.contains("offlineAfter PT10S") && m.contains("PT20S"), m);
    m = refused(() -> new FleetConfig.Heartbeats(Duration.ofSeconds(30), Duration.ofSeconds(20),
        Duration.ofSeconds(40), fixed, Duration.ofMinutes(2)));
    assertTrue(m.contains("suspectAfter PT20S") && m.contains("PT30S"), m);
    m = refused(() -> new FleetConfig.Heartbeats(S5, Duration.ofSeconds(10), Duration.ofSeconds(20), fixed,
        Duration.ofSeconds(-1)));
    assertTrue(m.contains("sleepHint") && m.contains("PT-1S"), m);
  }

  @Test
  void placementRefusesCeilingsOutOfOrderAndGapsOutOfRange() {
    String m = refused(() -> new FleetConfig.Placement(LeastLoaded.INSTANCE, 0.9, 0.5, 0.1, Duration.ZERO, 0,
        Duration.ZERO));
    assertTrue(m.contains("urgentLoadCeiling") && m.contains("0.5"), m);
    m = refused(() -> new FleetConfig.Placement(LeastLoaded.INSTANCE, 0.8, 0.95, 0.1, Duration.ZERO, 7,
        Duration.ZERO));
    assertTrue(m.contains("preemptionGap") && m.contains("7"), m);
    m = refused(() -> new FleetConfig.Placement(LeastLoaded.INSTANCE, 0.8, 0.95, 0.1, Duration.ofMinutes(-5), 0,
        Duration.ZERO));
    assertTrue(m.contains("agingStep") && m.contains("PT-5M"), m);
    var p = new FleetConfig.Placement(LeastLoaded.INSTANCE, 0.8, 0.95, 0.1, Duration.ZERO, 0, Duration.ZERO);
    assertEquals(0.95, p.ceiling(Priority.URGENT));
    assertEquals(0.8, p.ceiling(Priority.NORMAL));
  }

  @Test
  void ownersPruningAndLimitsNameTheBadValue() {
    String m = refused(() -> new FleetConfig.Owners(50, 30, Duration.ofMinutes(10)));
    assertTrue(m.contains("50") && m.contains("30"), m);
    m = refused(() -> new FleetConfig.Pruning(Duration.ZERO, Duration.ofHours(-2)));
    assertTrue(m.contains("pruneOfflineAfter") && m.contains("PT-2H"), m);
    m = refused(() -> new FleetConfig.Limits(-3, 10, Duration.ofHours(1), PayloadBudget.DEFAULT));
    assertTrue(m.contains("maxQueuedTasks") && m.contains("-3"), m);
    m = refused(() -> new FleetConfig.Limits(10, 10, Duration.ZERO, PayloadBudget.DEFAULT));
    assertTrue(m.contains("idempotencyWindow") && m.contains("PT0S"), m);
  }
}
