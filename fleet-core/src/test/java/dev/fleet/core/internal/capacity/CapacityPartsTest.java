package dev.fleet.core.internal.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fleet.Reason;
import org.junit.jupiter.api.Test;

/** Exact behaviour of a bucket's capped maps, the duration histogram and the per-key sums. */
class CapacityPartsTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aBucketRefusesANewKeyExactlyWhenItsMapIsFull() {
    Bucket b = new Bucket();
    KeyStats a = b.key("ca", 2);
    assertNotNull(a);
    assertNotNull(b.key("cb", 2));
    assertNull(b.key("cc", 2));
    assertEquals(1, b.dropped);
    assertSame(a, b.key("ca", 2)); // a kept key is found even when the map is full
    assertEquals(1, b.dropped);
    assertEquals(2, b.keys.size());
  }

  @Test
  void aBucketRefusesANewMachineExactlyWhenItsMapIsFull() {
    Bucket b = new Bucket();
    MachineStats m = b.machine("m1", 1);
    assertNotNull(m);
    assertNull(b.machine("m2", 1));
    assertEquals(1, b.dropped);
    assertSame(m, b.machine("m1", 1));
    assertEquals(1, b.machines.size());
  }

  @Test
  void aBucketAddsToAKeptPresenceWaitWhenFullAndDropsANewOne() {
    Bucket b = new Bucket();
    Bucket.Presence p = new Bucket.Presence("m1", Reason.ASLEEP);
    b.presence(p, 5, 1);
    b.presence(p, 7, 1);
    assertEquals(12L, b.presence.get(p));
    b.presence(new Bucket.Presence("m2", Reason.ASLEEP), 3, 1);
    assertEquals(1, b.dropped);
    assertEquals(1, b.presence.size());
    b.presence(new Bucket.Presence("m2", Reason.ASLEEP), 3, 2);
    assertEquals(2, b.presence.size());
    assertEquals(1, b.dropped);
  }

  @Test
  void entriesCountEveryMapAndResetEmptiesThemAll() {
    Bucket b = new Bucket();
    b.key("ca", 8);
    b.key("cb", 8);
    b.machine("m1", 8);
    b.machine("m2", 8);
    b.machine("m3", 8);
    b.presence(new Bucket.Presence("m1", Reason.OWNER_ACTIVE), 1, 8);
    b.coveredNanos = 9;
    b.key("cc", 2);
    assertEquals(6, b.entries());
    assertEquals(1, b.dropped);
    b.reset(4);
    assertEquals(4, b.number);
    assertEquals(0, b.entries());
    assertEquals(0, b.keys.size());
    assertEquals(0, b.machines.size());
    assertEquals(0, b.presence.size());
    assertEquals(0, b.coveredNanos);
    assertEquals(0, b.dropped);
  }

  @Test
  void aQuantileFallingInTheFirstBinIsZeroAndTheRankIsMetInclusively() {
    Durations d = new Durations();
    d.add(SECOND / 2);
    d.add(10 * SECOND);
    assertEquals(2, d.count());
    assertEquals(0, d.quantile(0.5)); // rank 1 is met by the first bin exactly
    assertEquals(Durations.upper(Durations.bin(10 * SECOND)), d.quantile(0.95));
    assertEquals(Durations.upper(Durations.BINS - 1), d.quantile(2.0)); // a rank past everything: the last bin
    assertEquals(0, new Durations().quantile(0.5));
  }

  @Test
  void addAllSumsTheCountsAndTheTotal() {
    Durations a = new Durations();
    a.add(SECOND / 2);
    Durations b = new Durations();
    b.add(10 * SECOND);
    b.add(10 * SECOND);
    a.addAll(b);
    assertEquals(3, a.count());
    assertEquals(0, a.quantile(1.0 / 3));
    assertEquals(Durations.upper(Durations.bin(10 * SECOND)), a.quantile(0.5));
    assertEquals(2, b.count());
  }

  @Test
  void aRunOfZeroIsARunAndMinusOneIsNone() {
    KeyStats s = new KeyStats();
    assertEquals(0, s.finishedCount());
    s.finished(2 * SECOND, 0);
    s.finished(2 * SECOND, -1);
    assertEquals(2, s.finishedCount());
    assertEquals(2, s.waits.count());
    assertEquals(1, s.runs.count());
    KeyStats sum = new KeyStats();
    sum.addAll(s);
    sum.addAll(s);
    assertEquals(4, sum.finishedCount());
    assertEquals(2, sum.runs.count());
    assertEquals(4, sum.waits.count());
  }
}
