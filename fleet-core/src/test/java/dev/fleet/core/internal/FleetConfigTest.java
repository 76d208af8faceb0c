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

  @Test
  void eachGroupTakesItsExactBoundsAndRefusesTheValuesJustOutside() {
    var least = LeastLoaded.INSTANCE;
    Duration z = Duration.ZERO;
    // the bounds themselves are accepted
    assertEquals(10.0, new FleetConfig.Placement(least, 10, 10, 10, z, 4, z).urgentLoadCeiling());
    assertEquals(0.0, new FleetConfig.Placement(least, 0.5, 0.5, 0, z, 0, z).loadPerTask());
    assertEquals(100, new FleetConfig.Owners(100, 100, Duration.ofSeconds(1)).batteryResumeAt());
    assertEquals(0, new FleetConfig.Owners(0, 0, Duration.ofSeconds(1)).batteryStopBelow());
    assertEquals(0, new FleetConfig.Limits(0, 0, Duration.ofNanos(1), PayloadBudget.DEFAULT).finishedTaskRetention());
    assertEquals(z, FleetConfig.Pruning.OFF.neverHeardAfter());
    // and the values just outside are refused, by name
    assertTrue(refused(() -> new FleetConfig.Placement(least, 0, 0.5, 0.1, z, 0, z)).contains("loadCeiling"));
    assertTrue(refused(() -> new FleetConfig.Placement(least, 10.5, 10.5, 0.1, z, 0, z)).contains("10.5"));
    assertTrue(refused(() -> new FleetConfig.Placement(least, 0.5, 10.5, 0.1, z, 0, z)).contains("10.5"));
    assertTrue(refused(() -> new FleetConfig.Placement(least, 0.5, 0.5, -0.1, z, 0, z)).contains("-0.1"));
    assertTrue(refused(() -> new FleetConfig.Placement(least, 0.5, 0.5, 10.1, z, 0, z)).contains("10.1"));
    assertTrue(refused(() -> new FleetConfig.Placement(least, 0.5, 0.5, 0.1, z, -1, z)).contains("-1"));
    assertTrue(refused(() -> new FleetConfig.Placement(least, 0.5, 0.5, 0.1, z, 5, z)).contains("5"));
    assertTrue(refused(() -> new FleetConfig.Placement(least, 0.5, 0.5, 0.1, z, 0, Duration.ofSeconds(-1)))
        .contains("failbackAfter"));
    assertTrue(refused(() -> new FleetConfig.Owners(-1, 40, Duration.ofSeconds(1))).contains("-1"));
    assertTrue(refused(() -> new FleetConfig.Owners(20, 101, Duration.ofSeconds(1))).contains("101"));
    assertTrue(refused(() -> new FleetConfig.Owners(20, 40, z)).contains("ownerAway"));
    assertTrue(refused(() -> new FleetConfig.Limits(0, -1, Duration.ofHours(1), PayloadBudget.DEFAULT))
        .contains("finishedTaskRetention must be >= 0, got -1"));
    assertTrue(refused(() -> new FleetConfig.Pruning(Duration.ofSeconds(-3), z)).contains("pruneNeverHeardAfter"));
    assertThrows(NullPointerException.class, () -> new FleetConfig.Heartbeats(S5, Duration.ofSeconds(10),
        Duration.ofSeconds(20), null, Duration.ofMinutes(2)));
    assertThrows(NullPointerException.class, () -> new FleetConfig.Limits(1, 1, Duration.ofHours(1), null));
    // equal timings are not "longer"
    var fixed = Detectors.fixedTimeout(Duration.ofSeconds(10), Duration.ofSeconds(20));
    assertTrue(refused(() -> new FleetConfig.Heartbeats(S5, S5, Duration.ofSeconds(20), fixed, S5))
        .contains("suspectAfter PT5S"));
    assertTrue(refused(() -> new FleetConfig.Heartbeats(S5, Duration.ofSeconds(10), Duration.ofSeconds(10), fixed,
        S5)).contains("offlineAfter PT10S"));
  }
}
