package dev.fleet.testing;

import static java.time.Duration.ofNanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.spi.Scheduler.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {

  // A non-zero origin so that due times are visibly "now + delay", not just "delay".
  private static final long ORIGIN = 1_000L;

  private final FakeTicker ticker = new FakeTicker(ORIGIN);
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<String> log = new ArrayList<>();

  /** A command that records its name and the ticker reading it ran at. */
  private Runnable record(String name) {
    return () -> log.add(name + "@" + ticker.read());
  }

  @Test
  void holdsCommandsUntilTimeIsAdvanced() {
    scheduler.schedule(record("a"), ofNanos(10));
    scheduler.schedule(record("now"), Duration.ZERO);

    assertEquals(List.of(), log);
    assertEquals(2, scheduler.pending());
  }

  @Test
  void runsDueCommandsInDueOrderWhateverTheSchedulingOrder() {
    scheduler.schedule(record("c"), ofNanos(30));
    scheduler.schedule(record("a"), ofNanos(10));
    scheduler.schedule(record("b"), ofNanos(20));

    assertEquals(3, scheduler.advance(ofNanos(30)));
    assertEquals(List.of("a@1010", "b@1020", "c@1030"), log);
  }

  @Test
  void runsTiesInSchedulingOrder() {
    scheduler.schedule(record("first"), ofNanos(5));
    scheduler.schedule(record("second"), ofNanos(5));
    scheduler.schedule(record("third"), ofNanos(5));

    scheduler.advance(ofNanos(5));
    assertEquals(List.of("first@1005", "second@1005", "third@1005"), log);
  }

  @Test
  void leavesCommandsDueAfterTheWindowPending() {
    scheduler.schedule(record("in"), ofNanos(10));
    scheduler.schedule(record("out"), ofNanos(11));

    assertEquals(1, scheduler.advance(ofNanos(10)));
    assertEquals(List.of("in@1010"), log);
    assertEquals(1, scheduler.pending());
    assertEquals(OptionalLong.of(1011L), scheduler.nextDueNanos());
  }

  @Test
  void tickerReadsTheDueTimeWhileACommandRunsAndTheTargetAfterwards() {
    List<Long> seen = new ArrayList<>();
    scheduler.schedule(() -> seen.add(ticker.read()), Duration.ofMillis(3));

    scheduler.advance(Duration.ofSeconds(1));

    assertEquals(List.of(ORIGIN + 3_000_000L), seen);
    assertEquals(ORIGIN + 1_000_000_000L, ticker.read());
  }

  @Test
  void advancesTheTickerEvenWithNothingScheduled() {
    assertEquals(0, scheduler.advance(ofNanos(50)));
    assertEquals(ORIGIN + 50, ticker.read());
  }

  @Test
  void cancelPreventsTheRun() {
    Cancellable a = scheduler.schedule(record("a"), ofNanos(10));
    scheduler.schedule(record("b"), ofNanos(10));

    a.cancel();

    assertEquals(1, scheduler.pending());
    assertEquals(1, scheduler.advance(ofNanos(10)));
    assertEquals(List.of("b@1010"), log);
  }

  @Test
  void cancellingTwiceOrAfterTheRunIsHarmless() {
    Cancellable a = scheduler.schedule(record("a"), ofNanos(1));
    scheduler.advance(ofNanos(1));

    a.cancel();
    a.cancel();

    assertEquals(List.of("a@1001"), log);
    assertEquals(0, scheduler.pending());
  }

  @Test
  void aCommandMayCancelALaterOne() {
    Cancellable[] later = new Cancellable[1];
    scheduler.schedule(() -> later[0].cancel(), ofNanos(1));
    later[0] = scheduler.schedule(record("later"), ofNanos(2));

    assertEquals(1, scheduler.advance(ofNanos(5)));
    assertEquals(List.of(), log);
  }

  @Test
  void runsCommandsScheduledByCommandsWhenTheyFallDueWithinTheWindow() {
    scheduler.schedule(
        () -> {
          log.add("parent@" + ticker.read());
          scheduler.schedule(record("child"), ofNanos(5));
          scheduler.schedule(record("late child"), ofNanos(50));
        },
        ofNanos(10));
    scheduler.schedule(record("sibling"), ofNanos(12));

    assertEquals(3, scheduler.advance(ofNanos(20)));
    assertEquals(List.of("parent@1010", "sibling@1012", "child@1015"), log);
    assertEquals(OptionalLong.of(1060L), scheduler.nextDueNanos());
  }

  @Test
  void aRecurringCommandRunsOncePerPeriodWithinTheWindow() {
    Runnable[] tick = new Runnable[1];
    tick[0] =
        () -> {
          log.add("tick@" + ticker.read());
          scheduler.schedule(tick[0], ofNanos(10));
        };
    scheduler.schedule(tick[0], ofNanos(10));

    assertEquals(3, scheduler.advance(ofNanos(35)));
    assertEquals(List.of("tick@1010", "tick@1020", "tick@1030"), log);
    assertEquals(OptionalLong.of(1040L), scheduler.nextDueNanos());
  }

  @Test
  void zeroDelayIsNeverInlineAndRunsOnRunDueWithoutMovingTime() {
    scheduler.schedule(
        () -> {
          log.add("a@" + ticker.read());
          scheduler.schedule(record("b"), Duration.ZERO);
        },
        Duration.ZERO);
    scheduler.schedule(record("future"), ofNanos(1));

    assertEquals(List.of(), log);
    assertEquals(2, scheduler.runDue());
    assertEquals(List.of("a@1000", "b@1000"), log);
    assertEquals(ORIGIN, ticker.read());
    assertEquals(1, scheduler.pending());
  }

  @Test
  void overdueCommandsRunAtTheCurrentReadingWithoutTurningTimeBack() {
    scheduler.schedule(record("overdue"), ofNanos(10));
    ticker.advance(100L); // moved directly, bypassing the scheduler

    assertEquals(1, scheduler.runDue());
    assertEquals(List.of("overdue@1100"), log);
    assertEquals(ORIGIN + 100, ticker.read());
  }

  @Test
  void timeNeverGoesBackwardsAcrossRuns() {
    List<Long> seen = new ArrayList<>();
    for (long delay : new long[] {7, 3, 3, 0, 9, 1}) {
      scheduler.schedule(() -> seen.add(ticker.read()), ofNanos(delay));
    }
    scheduler.advance(ofNanos(4));
    scheduler.advance(ofNanos(10));

    List<Long> sorted = new ArrayList<>(seen);
    sorted.sort(null);
    assertEquals(sorted, seen);
    assertEquals(6, seen.size());
  }

  @Test
  void aThrowingCommandStopsTheAdvanceAtItsDueTimeAndLeavesTheRestPending() {
    scheduler.schedule(
        () -> {
          throw new IllegalStateException("boom");
        },
        ofNanos(10));
    scheduler.schedule(record("after"), ofNanos(20));

    assertThrows(IllegalStateException.class, () -> scheduler.advance(ofNanos(30)));
    assertEquals(ORIGIN + 10, ticker.read());
    assertEquals(1, scheduler.pending());

    scheduler.advance(ofNanos(10));
    assertEquals(List.of("after@1020"), log);
  }

  @Test
  void pendingAndNextDueTrackTheQueue() {
    assertEquals(0, scheduler.pending());
    assertEquals(OptionalLong.empty(), scheduler.nextDueNanos());

    scheduler.schedule(record("b"), ofNanos(20));
    scheduler.schedule(record("a"), ofNanos(10));

    assertEquals(2, scheduler.pending());
    assertEquals(OptionalLong.of(1010L), scheduler.nextDueNanos());
  }

  @Test
  void refusesNegativeDelayAndNegativeAdvance() {
    IllegalArgumentException delay =
        assertThrows(IllegalArgumentException.class, () -> scheduler.schedule(record("x"), ofNanos(-1)));
    assertTrue(delay.getMessage().contains("PT-0.000000001S"), delay.getMessage());
    assertThrows(IllegalArgumentException.class, () -> scheduler.advance(ofNanos(-1)));
    assertEquals(0, scheduler.pending());
    assertEquals(ORIGIN, ticker.read());
  }

  @Test
  void anUnrepresentablyLongDelayMeansNever() {
    scheduler.schedule(record("never"), Duration.ofSeconds(Long.MAX_VALUE));

    assertEquals(OptionalLong.of(Long.MAX_VALUE), scheduler.nextDueNanos());
    assertEquals(0, scheduler.advance(Duration.ofDays(365)));
  }

  @Test
  void acceptsSchedulesAndCancelsFromOtherThreads() throws InterruptedException {
    Cancellable[] doomed = new Cancellable[1];
    Thread other =
        new Thread(
            () -> {
              scheduler.schedule(record("from other"), ofNanos(5));
              doomed[0] = scheduler.schedule(record("doomed"), ofNanos(5));
              doomed[0].cancel();
            });
    other.start();
    other.join();

    assertEquals(1, scheduler.advance(ofNanos(5)));
    assertEquals(List.of("from other@1005"), log);
  }
}
