package dev.fleet.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs a reduced {@link DetectionReport}, prints its table, and holds both detectors to the targets: at each
 * interval and acceptable pause P, no false OFFLINE verdict under pauses of up to 2 s or up to P, and p99
 * detection of a crash within P + 2 intervals.
 */
class DetectionReportTest {

  @Test
  void detectorsMeetTheTargets() {
    List<DetectionReport.Row> rows = DetectionReport.measure(DetectionReport.Scale.REDUCED);
    String table = DetectionReport.markdown(rows, DetectionReport.Scale.REDUCED);
    System.out.println(table);

    for (DetectionReport.Row r : rows) {
      String what = r.detector() + " at " + r.setup() + ":\n" + table;
      assertTrue(r.crashes() >= 100, "enough crashes for a p99: " + what);
      assertEquals(0, r.undetected(), "every crash detected before the restart: " + what);
      assertEquals(0.0, r.falsePerHourUpTo2s(), "no false OFFLINE with pauses up to 2 s: " + what);
      assertEquals(0.0, r.falsePerHourUpToP(), "no false OFFLINE with pauses up to P: " + what);
      assertTrue(r.p99Detect().compareTo(r.setup().target()) <= 0, "p99 detection within P + 2 intervals: " + what);
      assertTrue(r.medianWorkElsewhere().compareTo(r.medianDetect()) > 0, "work moves after detection: " + what);
    }
    // The zeros above mean something only if false verdicts are seen when they happen: past P, they are.
    assertTrue(rows.stream().anyMatch(r -> r.falsePerHourUpTo2P() > 0),
        "pauses of up to 2P produce false OFFLINE verdicts somewhere:\n" + table);
    // Phi is faster than the comparable timeout, which is what it is for.
    for (int i = 0; i < rows.size(); i += 2) {
      DetectionReport.Row phi = rows.get(i);
      DetectionReport.Row timeout = rows.get(i + 1);
      assertTrue(phi.medianDetect().compareTo(timeout.medianDetect()) < 0, "phi detects faster:\n" + table);
    }
  }
}
