package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.Task;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The two rooms with no arrows out: what the sweep pacer books, and what openings record. */
class SmallRoomsTest {
  @Test
  void thePacerKeepsOnlyTheEarliestSweepAndBooksAfreshOnceOneRuns() {
    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    SweepPacer pacer = new SweepPacer(scheduler);
    AtomicInteger runs = new AtomicInteger();
    pacer.runs(runs::incrementAndGet);
    long now = ticker.read();
    pacer.noLaterThan(now + 5_000_000_000L, now);
    pacer.noLaterThan(now + 7_000_000_000L, now); // later: changes nothing
    assertEquals(OptionalLong.of(now + 5_000_000_000L), scheduler.nextDueNanos());
    pacer.noLaterThan(now + 2_000_000_000L, now); // earlier: replaces the booking
    assertEquals(1, scheduler.pending());
    assertEquals(OptionalLong.of(now + 2_000_000_000L), scheduler.nextDueNanos());
    pacer.noLaterThan(now - 1, now); // overdue: runs at once, not in the past
    assertEquals(OptionalLong.of(now), scheduler.nextDueNanos());
    scheduler.runDue();
    assertEquals(1, runs.get());
    pacer.running();
    pacer.noLaterThan(now + 9_000_000_000L, now); // nothing booked any more: a later time is taken
    assertEquals(OptionalLong.of(now + 9_000_000_000L), scheduler.nextDueNanos());
    pacer.close();
    assertEquals(0, scheduler.pending());
    pacer.noLaterThan(now + 1, now);
    assertEquals(0, scheduler.pending());
  }

  @Test
  void openingsRecordEachIndexOnceAndOnlyWhereWorkWaits() {
    SlotTable table = new SlotTable();
    MachineSlot m = new MachineSlot(Machine.of("m", "m.local", "r", List.of("x", "y")), 1, Health.ONLINE, 0, 0);
    table.assign(m);
    Openings openings = new Openings();
    LoadIndex[] indexes = new LoadIndex[20];
    for (int i = 0; i < indexes.length; i++) {
      indexes[i] = new LoadIndex(Set.of("c" + i), table);
    }
    LoadIndex x = new LoadIndex(Set.of("x"), table);
    LoadIndex y = new LoadIndex(Set.of("y"), table);
    x.add(m);
    y.add(m);
    assertTrue(openings.isEmpty());
    openings.roomOn(m); // nothing waits anywhere
    assertTrue(openings.isEmpty());
    x.queue = new TaskQueue();
    x.queue.add(new TaskRecord(Task.newBuilder("t").requires("x").build(), 1, 0, x));
    openings.roomOn(m);
    openings.roomOn(m);
    assertEquals(1, openings.size());
    assertSame(x, openings.get(0));
    for (LoadIndex i : indexes) { // past the first array: it grows
      openings.queueGrew(i);
      openings.queueGrew(i);
    }
    assertEquals(1 + indexes.length, openings.size());
    assertSame(indexes[19], openings.get(20));
    assertFalse(openings.isEverywhere());
    openings.clear();
    assertTrue(openings.isEmpty());
    assertFalse(x.opening);
    assertFalse(indexes[19].opening);
    openings.everywhere();
    assertFalse(openings.isEmpty());
    assertTrue(openings.isEverywhere());
    assertEquals(0, openings.size());
    openings.clear();
    assertTrue(openings.isEmpty());
    openings.queueGrew(x); // recorded again after a clear
    assertEquals(1, openings.size());
  }
}
