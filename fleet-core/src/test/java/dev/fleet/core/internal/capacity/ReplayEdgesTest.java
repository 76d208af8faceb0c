package dev.fleet.core.internal.capacity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fleet.Machine;
import dev.fleet.Priority;
import dev.fleet.Weight;
import dev.fleet.core.Fleets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exact waits of small replays on one machine that runs one task at a time (load 0.6 each, ceiling 0.5). */
class ReplayEdgesTest {
  private static final long MINUTE = 60_000_000_000L;
  private static final List<Machine> ONE = List.of(Machine.of("m1", "m1", "build", Set.of("cpu")));

  private static final Duration NEVER = Duration.ofDays(3650);
  /** What the engine gives a replay, built through the public builder: ceilings 0.5, 0.6 per task, never silent. */
  private static final ReplayFleets FLEETS = (ticker, scheduler, transport, wall) -> Fleets.newBuilder()
      .ticker(ticker).scheduler(scheduler).transport(transport).eventExecutor(Runnable::run).wallClock(wall)
      .heartbeatInterval(Duration.ofDays(1)).suspectAfter(NEVER.dividedBy(2)).offlineAfter(NEVER)
      .loadCeiling(0.5).urgentLoadCeiling(0.5).loadPerTask(0.6).build();

  private static Arrival arrival(long at, String needs, long run) {
    return new Arrival(at, Set.of(needs), Optional.empty(), Priority.NORMAL, Weight.NORMAL, run);
  }

  private static long[] waits(List<Arrival> arrivals, Duration limit) {
    return Replay.waits(FLEETS, ONE, arrivals, limit);
  }

  @Test
  void noArrivalsNoWaits() {
    assertArrayEquals(new long[0], waits(List.of(), Duration.ofMinutes(5)));
  }

  @Test
  void tasksArrivingTogetherRunInArrivalOrder() {
    long at = 50 * MINUTE;
    assertArrayEquals(new long[] {0, 10 * MINUTE},
        waits(List.of(arrival(at, "cpu", 10 * MINUTE), arrival(at, "cpu", 10 * MINUTE)), Duration.ofHours(1)));
  }

  @Test
  void aLaterArrivalWaitsOnlyFromWhenItArrived() {
    long at = 50 * MINUTE;
    assertArrayEquals(new long[] {0, 7 * MINUTE},
        waits(List.of(arrival(at, "cpu", 10 * MINUTE), arrival(at + 3 * MINUTE, "cpu", 10 * MINUTE)),
            Duration.ofHours(1)));
  }

  @Test
  void aRunOfZeroEndsAtOnceAndAnUnknownRunTakesAMinute() {
    long at = 50 * MINUTE;
    assertArrayEquals(new long[] {0, 0},
        waits(List.of(arrival(at, "cpu", 0), arrival(at, "cpu", 10 * MINUTE)), Duration.ofHours(1)));
    assertArrayEquals(new long[] {0, MINUTE},
        waits(List.of(arrival(at, "cpu", -1), arrival(at, "cpu", 10 * MINUTE)), Duration.ofHours(1)));
  }

  @Test
  void aTaskNeverPlacedWaitsUntilTheLimitAfterTheLastArrival() {
    long at = 50 * MINUTE;
    assertArrayEquals(new long[] {7 * MINUTE, 5 * MINUTE, 0},
        waits(List.of(arrival(at, "tpu", MINUTE), arrival(at + 2 * MINUTE, "tpu", MINUTE),
            arrival(at + 2 * MINUTE, "cpu", MINUTE)), Duration.ofMinutes(5)));
  }
}
