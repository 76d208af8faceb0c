package dev.fleet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class ManualSchedulerProperties {

  /** What a command saw when it ran. */
  private record Run(int index, long dueNanos, long ranAtNanos) {}

  @Property
  void commandsRunInDueOrderAndNeverEarly(
      @ForAll @Size(max = 40) List<@LongRange(min = 0, max = 1_000) Long> delays,
      @ForAll @Size(min = 1, max = 10) List<@LongRange(min = 0, max = 300) Long> steps,
      @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long origin) {
    FakeTicker ticker = new FakeTicker(origin);
    ManualScheduler scheduler = new ManualScheduler(ticker);
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < delays.size(); i++) {
      int index = i;
      long due = origin + delays.get(i);
      scheduler.schedule(() -> runs.add(new Run(index, due, ticker.read())), Duration.ofNanos(delays.get(i)));
    }

    for (long step : steps) {
      scheduler.advance(Duration.ofNanos(step));
    }

    long end = origin + steps.stream().mapToLong(Long::longValue).sum();
    assertEquals(end, ticker.read());
    for (Run run : runs) {
      assertEquals(run.dueNanos(), run.ranAtNanos(), "ran exactly at its due time: " + run);
    }
    List<Run> expectedOrder = new ArrayList<>(runs);
    expectedOrder.sort(Comparator.comparingLong(Run::dueNanos).thenComparingInt(Run::index));
    assertEquals(expectedOrder, runs, "due order, ties in scheduling order");
    long dueByEnd = delays.stream().filter(d -> origin + d <= end).count();
    assertEquals(dueByEnd, runs.size(), "everything due by the end ran, nothing else");
    assertEquals(delays.size() - runs.size(), scheduler.pending());
  }

  @Property
  void tickerNeverGoesBackwardsWhileCommandsScheduleMore(
      @ForAll @Size(max = 20) List<@LongRange(min = 0, max = 100) Long> delays,
      @ForAll @LongRange(min = 0, max = 500) long window) {
    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    List<Long> readings = new ArrayList<>();
    for (long delay : delays) {
      // Each command schedules a follow-up after the same delay, so the queue grows while advancing.
      scheduler.schedule(
          () -> {
            readings.add(ticker.read());
            scheduler.schedule(() -> readings.add(ticker.read()), Duration.ofNanos(delay));
          },
          Duration.ofNanos(delay));
    }

    scheduler.advance(Duration.ofNanos(window));

    for (int i = 1; i < readings.size(); i++) {
      assertTrue(readings.get(i - 1) <= readings.get(i), "readings in order: " + readings);
    }
    assertTrue(readings.stream().allMatch(r -> r <= window), "nothing ran past the window: " + readings);
    assertEquals(window, ticker.read());
  }
}
