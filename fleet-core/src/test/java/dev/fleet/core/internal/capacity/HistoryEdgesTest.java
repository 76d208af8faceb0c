package dev.fleet.core.internal.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fleet.Priority;
import dev.fleet.Weight;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The history's exact edges: bucket numbering, the horizon, the caps and what a window sums. */
class HistoryEdgesTest {
  private static final long MINUTE = 60_000_000_000L;

  private static Arrival arrival(long at) {
    return new Arrival(at, Set.of("cpu"), Optional.empty(), Priority.NORMAL, Weight.NORMAL, MINUTE);
  }

  @Test
  void oneBucketIsEnoughAndZeroIsRefused() {
    History h = new History(Duration.ofMinutes(10), 1, 4, 4, 4);
    assertEquals(Duration.ofMinutes(10), h.horizon());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new History(Duration.ofMinutes(10), 0, 4, 4, 4));
    assertEquals("buckets must be >= 1, got 0", e.getMessage());
  }

  @Test
  void capacityInEntriesIsBucketsTimesTheCapsPlusTheArrivals() {
    History h = new History(Duration.ofMinutes(10), 3, 5, 7, 11);
    assertEquals(3 * (5 + 7 + 11) + History.MAX_ARRIVALS, h.capacityInEntries());
  }

  @Test
  void theFirstAnchorSetsTheBucketEdgesAndLaterOnesChangeNothing() {
    History h = new History(Duration.ofMinutes(10), 6, 8, 8, 8);
    h.anchor(0);
    h.anchor(5 * MINUTE);
    h.covered(7 * MINUTE, 1);
    h.covered(12 * MINUTE, 2); // bucket 1 when anchored at 0; bucket 0 if the second anchor had moved the edge
    assertEquals(2, h.bucketsInUse());
    History.Window w = h.window(12 * MINUTE, Duration.ofMinutes(10), 4);
    assertEquals(2, w.coveredNanos);
  }

  @Test
  void bucketZeroIsInUseAndEntriesAreCountedExactly() {
    History h = new History(Duration.ofMinutes(10), 6, 8, 8, 8);
    assertEquals(0, h.bucketsInUse());
    assertEquals(0, h.entries());
    h.machine(0, MINUTE, "m1", Set.of("cpu", "gpu"), "build", true, false);
    assertEquals(1, h.bucketsInUse());
    // cpu, gpu, r:build keys + one machine
    assertEquals(4, h.entries());
    h.arrived(arrival(0));
    assertEquals(5, h.entries());
    h.covered(10 * MINUTE, 1);
    assertEquals(2, h.bucketsInUse());
  }

  @Test
  void machineAndQueueAndFinishedTimesAreSummedPerKeyAndRole() {
    History h = new History(Duration.ofMinutes(10), 6, 8, 8, 8);
    h.machine(0, 3 * MINUTE, "m1", Set.of("cpu"), "build", true, false);
    h.machine(MINUTE, 2 * MINUTE, "m1", Set.of("cpu"), "build", false, true);
    h.queued(MINUTE, 5 * MINUTE, List.of("cpu"), Optional.of("build"));
    h.finished(MINUTE, List.of("cpu"), Optional.of("build"), 2 * MINUTE, MINUTE);
    h.missing(MINUTE, 4 * MINUTE, "tpu", true);
    h.missing(MINUTE, 4 * MINUTE, "tpu", false);
    History.Window w = h.window(2 * MINUTE, Duration.ofMinutes(10), 1);
    MachineStats m = w.machines.get("m1");
    assertEquals(5 * MINUTE, m.onlineNanos);
    assertEquals(3 * MINUTE, m.ceilingNanos);
    assertEquals(2 * MINUTE, m.idleNanos);
    KeyStats cpu = w.keys.get("ccpu");
    assertEquals(5 * MINUTE, cpu.machineNanos);
    assertEquals(3 * MINUTE, cpu.ceilingNanos);
    assertEquals(5 * MINUTE, cpu.queueNanos);
    assertEquals(1, cpu.finishedCount());
    KeyStats role = w.keys.get("rbuild");
    assertEquals(5 * MINUTE, role.machineNanos);
    assertEquals(3 * MINUTE, role.ceilingNanos);
    assertEquals(5 * MINUTE, role.queueNanos);
    assertEquals(1, role.finishedCount());
    assertEquals(1, role.runs.count());
    KeyStats tpu = w.keys.get("ctpu");
    assertEquals(1, tpu.missingTasks);
    assertEquals(8 * MINUTE, tpu.missingNanos);
    assertEquals(1, w.waitSeries.get("ccpu")[0].count());
    assertEquals(1, w.waitSeries.get("rbuild")[0].count());
    long[][] series = w.series.get("ccpu");
    assertEquals(3 * MINUTE, series[0][0]);
    assertEquals(5 * MINUTE, series[1][0]);
  }

  @Test
  void arrivalsKeepTheNewestAtTheCap() {
    History h = new History(Duration.ofMinutes(10), 6, 8, 8, 8);
    for (int i = 0; i < History.MAX_ARRIVALS + 1; i++) {
      h.arrived(arrival(i));
    }
    assertEquals(History.MAX_ARRIVALS, h.entries());
    List<Arrival> all = h.arrivals(History.MAX_ARRIVALS, Duration.ofMinutes(60));
    assertEquals(History.MAX_ARRIVALS, all.size());
    assertEquals(1, all.get(0).atNanos());
  }

  @Test
  void arrivalsAtExactlyTheWindowsEdgeAreIncludedAndComeSorted() {
    History h = new History(Duration.ofMinutes(10), 6, 8, 8, 8);
    long now = 100 * MINUTE;
    h.arrived(arrival(now - 10 * MINUTE - 1));
    h.arrived(arrival(now - MINUTE));
    h.arrived(arrival(now - 10 * MINUTE));
    List<Arrival> got = h.arrivals(now, Duration.ofMinutes(10));
    assertEquals(List.of(now - 10 * MINUTE, now - MINUTE), got.stream().map(Arrival::atNanos).toList());
    assertEquals(3, h.entries()); // still within the horizon: kept
  }

  @Test
  void arrivalsOlderThanTheHorizonGoButOneExactlyAtItStays() {
    History h = new History(Duration.ofMinutes(10), 6, 8, 8, 8);
    long now = 100 * MINUTE;
    h.arrived(arrival(now - 60 * MINUTE - 1));
    h.arrived(arrival(now - 60 * MINUTE));
    h.arrived(arrival(now - MINUTE));
    List<Arrival> got = h.arrivals(now, Duration.ofDays(1));
    assertEquals(List.of(now - 60 * MINUTE, now - MINUTE), got.stream().map(Arrival::atNanos).toList());
    assertEquals(2, h.entries());
  }

  @Test
  void aWindowOnAnEmptyHistoryIsEmpty() {
    History h = new History(Duration.ofMinutes(10), 6, 8, 8, 8);
    History.Window w = h.window(0, Duration.ofMinutes(30), 4);
    assertNotNull(w);
    assertEquals(0, w.coveredNanos);
    assertEquals(1, w.slices);
    assertEquals(0, w.keys.size());
  }

  @Test
  void aWindowStartsAtBucketZeroAndSlicesSpanWhatIsCovered() {
    History h = new History(Duration.ofMinutes(10), 6, 8, 8, 8);
    for (int i = 0; i < 4; i++) {
      h.machine(i * 10 * MINUTE, MINUTE, "m1", Set.of("cpu"), "build", i % 2 == 0, false);
      h.covered(i * 10 * MINUTE, MINUTE);
    }
    History.Window w = h.window(30 * MINUTE, Duration.ofMinutes(60), 4);
    assertEquals(4, w.slices);
    assertEquals(4 * MINUTE, w.coveredNanos);
    assertEquals(2 * MINUTE, w.machines.get("m1").ceilingNanos);
    assertEquals(4 * MINUTE, w.machines.get("m1").onlineNanos);
    assertEquals(0, w.machines.get("m1").idleNanos);
    long[][] s = w.series.get("ccpu");
    assertEquals(List.of(MINUTE, 0L, MINUTE, 0L), List.of(s[0][0], s[0][1], s[0][2], s[0][3]));
    assertEquals(List.of(MINUTE, MINUTE, MINUTE, MINUTE), List.of(s[1][0], s[1][1], s[1][2], s[1][3]));
    History.Window two = h.window(30 * MINUTE, Duration.ofMinutes(60), 2);
    long[][] t = two.series.get("ccpu");
    assertEquals(List.of(MINUTE, MINUTE), List.of(t[0][0], t[0][1]));
    assertEquals(List.of(2 * MINUTE, 2 * MINUTE), List.of(t[1][0], t[1][1]));
    History.Window last = h.window(30 * MINUTE, Duration.ofMinutes(20), 4);
    assertEquals(2, last.slices);
    assertEquals(2 * MINUTE, last.coveredNanos);
  }
}
