package dev.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The capacity records: their sentences, and their refusals naming the bad value. */
class CapacityRecordsTest {

  @Test
  void sentencesReadAsTheIssueWritesThem() {
    assertEquals("14 tasks waited 2h 10m for 'video': add a machine with 'video'",
        new CapacityFinding.MissingCapability("video", 14, Duration.ofMinutes(130)).sentence());
    assertEquals("'inference' machines were at the ceiling 62% of the last 24h; p95 wait 18 min: add a machine with "
        + "'inference'", new CapacityFinding.Saturated("inference", false, 0.62, Duration.ofMinutes(18),
        Duration.ofHours(24)).sentence());
    assertEquals("gcp-watcher was idle 97% of the time; its work fits on m4-mirror",
        new CapacityFinding.IdleMachine(MachineId.of("gcp-watcher"), 0.97, Optional.of(MachineId.of("m4-mirror")))
            .sentence());
    assertEquals("heavy work waited 40 min for laptop to reach AC power",
        new CapacityFinding.PresenceWait(MachineId.of("laptop"), Reason.ON_BATTERY, Duration.ofMinutes(40)).sentence());
    CapacityWhatIf w = new CapacityWhatIf(Duration.ofHours(24), 20, List.of(), List.of(), List.of(
        new CapacityWhatIf.Wait("inference", 12, Duration.ofMinutes(18), Duration.ofMinutes(2)),
        new CapacityWhatIf.Wait("code", 8, Duration.ZERO, Duration.ZERO)));
    assertEquals("p95 wait for 'inference' 18 min → 2 min; nothing else changes", w.sentence());
    assertTrue(new CapacityReport(Duration.ofHours(1), Duration.ofMinutes(5), List.of(), List.of()).render()
        .startsWith("No capacity advice for the last 5 min"));
  }

  @Test
  void badValuesAreRefusedByName() {
    IllegalArgumentException share = assertThrows(IllegalArgumentException.class,
        () -> new CapacityFinding.IdleMachine(MachineId.of("a"), 1.5, Optional.empty()));
    assertTrue(share.getMessage().contains("idleShare of a must be in [0, 1], got 1.5"), share.getMessage());
    IllegalArgumentException tasks = assertThrows(IllegalArgumentException.class,
        () -> new CapacityFinding.MissingCapability("video", 0, Duration.ZERO));
    assertTrue(tasks.getMessage().contains("got 0"), tasks.getMessage());
    IllegalArgumentException reason = assertThrows(IllegalArgumentException.class,
        () -> new CapacityFinding.PresenceWait(MachineId.of("a"), Reason.FITS, Duration.ZERO));
    assertTrue(reason.getMessage().contains("got FITS"), reason.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> new CapacityUse("cpu", false, 0, 0, 0, Duration.ofSeconds(-1), Duration.ZERO, List.of(), List.of()));
    assertTrue(negative.getMessage().contains("PT-1S"), negative.getMessage());
  }
}
