package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A sleep shows as wall-clock time the ticker did not see, or as a period that overshot hugely; nothing less. */
class ResumeDetectorTest {
  private static final long MS = 1_000_000L;

  @Test
  void wallTimeTheTickerDidNotSeeIsASleepOfThatLength() {
    ResumeDetector d = new ResumeDetector(Duration.ofSeconds(1));
    assertEquals(Duration.ZERO, d.observe(0, 1_000_000));
    assertEquals(Duration.ZERO, d.observe(1_000 * MS, 1_001_000), "an ordinary period");
    // Suspended for an hour: the ticker moved one period, the wall clock an hour and a period.
    assertEquals(Duration.ofHours(1), d.observe(2_000 * MS, 1_002_000 + 3_600_000));
    assertEquals(Duration.ZERO, d.observe(3_000 * MS, 1_003_000 + 3_600_000), "and then ordinary again");
  }

  @Test
  void aPeriodThatOvershotHugelyIsASleepToo() {
    ResumeDetector d = new ResumeDetector(Duration.ofSeconds(1));
    d.observe(0, 0);
    // A frozen VM: both clocks ran on, 40 s passed where 1 s was due.
    assertEquals(Duration.ofSeconds(39), d.observe(40_000 * MS, 40_000));
  }

  @Test
  void slowPeriodsAndClocksSetBackAreNotSleeps() {
    ResumeDetector d = new ResumeDetector(Duration.ofSeconds(1));
    d.observe(0, 0);
    assertEquals(Duration.ZERO, d.observe(4_000 * MS, 4_000), "a 4 s GC pause is under the 5 s threshold");
    assertEquals(Duration.ZERO, d.observe(5_000 * MS, 4_000 - 600_000), "the wall clock set back 10 min");
    assertEquals(Duration.ZERO, d.observe(6_000 * MS, 4_000 - 600_000 + 1_000 + 4_900), "4.9 s unseen: under it");
  }

  @Test
  void theThresholdIsThreePeriodsWhenThatIsLongerThanFiveSeconds() {
    ResumeDetector d = new ResumeDetector(Duration.ofSeconds(10));
    assertEquals(Duration.ofSeconds(30), d.threshold());
    d.observe(0, 0);
    assertEquals(Duration.ZERO, d.observe(10_000 * MS, 10_000 + 29_000));
    assertEquals(Duration.ofSeconds(31), d.observe(20_000 * MS, 20_000 + 29_000 + 31_000));
  }

  @Test
  void lengthsAreSaidRoughly() {
    assertEquals("~45s", ResumeDetector.roughly(Duration.ofSeconds(45)));
    assertEquals("~12min", ResumeDetector.roughly(Duration.ofSeconds(12 * 60 + 10)));
    assertEquals("~3h", ResumeDetector.roughly(Duration.ofMinutes(185)));
    assertEquals("~1h", ResumeDetector.roughly(Duration.ofMinutes(60)));
  }
}
