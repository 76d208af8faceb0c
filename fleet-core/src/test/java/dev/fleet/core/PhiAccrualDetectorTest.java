package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.spi.FailureDetector;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PhiAccrualDetectorTest {
  private static final long SECOND = 1_000_000_000L;

  private static FailureDetector.Monitor steady(Duration pause, long beats) {
    FailureDetector.Monitor m = Detectors.phiAccrual(pause).newMonitor(0, Duration.ofSeconds(1));
    for (long i = 1; i <= beats; i++) {
      m.heartbeat(i * SECOND);
    }
    return m;
  }

  @Test
  void aPauseWithinTheAcceptableOneIsNeverHeldAgainstAMachine() {
    FailureDetector.Monitor m = steady(Duration.ofSeconds(3), 100);
    long last = 100 * SECOND;
    assertEquals(Health.ONLINE, m.verdict(last + 4 * SECOND), "interval 1 s + pause 3 s");
  }

  @Test
  void aSteadyMachineIsOfflineWithinThePausePlusOneIntervalAndAHalf() {
    FailureDetector.Monitor m = steady(Duration.ofSeconds(3), 100);
    long last = 100 * SECOND;
    long offlineAt = m.nextChange(m.nextChange(last) + 1);
    assertEquals(Health.OFFLINE, m.verdict(offlineAt));
    assertEquals(Health.SUSPECT, m.verdict(offlineAt - 1));
    assertTrue(offlineAt - last < 5 * SECOND, "offline after " + (offlineAt - last) / 1e9 + " s of silence");
  }

  @Test
  void verdictsOnlyWorsenWithSilenceAndNextChangeIsExact() {
    FailureDetector.Monitor m = steady(Duration.ofMillis(500), 50);
    long last = 50 * SECOND;
    Health previous = Health.ONLINE;
    for (long t = last; t < last + 10 * SECOND; t += 10_000_000L) {
      Health h = m.verdict(t);
      assertTrue(h.ordinal() >= previous.ordinal(), "went from " + previous + " to " + h + " at " + t);
      previous = h;
    }
    long suspectAt = m.nextChange(last);
    assertEquals(Health.ONLINE, m.verdict(suspectAt - 1));
    assertEquals(Health.SUSPECT, m.verdict(suspectAt));
  }

  @Test
  void irregularHeartbeatsMakeItMorePatient() {
    FailureDetector.Monitor regular = steady(Duration.ZERO, 200);
    FailureDetector.Monitor jittery = Detectors.phiAccrual(Duration.ZERO).newMonitor(0, Duration.ofSeconds(1));
    long t = 0;
    for (int i = 1; i <= 200; i++) {
      t += (i % 2 == 0 ? 500_000_000L : 1_500_000_000L);
      jittery.heartbeat(t);
    }
    long regularPatience = regular.nextChange(200 * SECOND) - 200 * SECOND;
    long jitteryPatience = jittery.nextChange(t) - t;
    assertTrue(jitteryPatience > regularPatience,
        "jittery " + jitteryPatience / 1e9 + " s vs regular " + regularPatience / 1e9 + " s");
  }
}
