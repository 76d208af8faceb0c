package dev.fleet.core.internal.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class HistoryProperties {
  private static final long MINUTE = 60_000_000_000L;

  /** Whatever the traffic (any number of names, machines and times), the history holds at most its fixed number of entries. */
  @Property(tries = 50)
  void memoryIsBoundedWhateverTheTraffic(@ForAll @IntRange(min = 1, max = 20_000) int events,
      @ForAll @IntRange(min = 1, max = 5000) int distinctNames, @ForAll long seed) {
    History h = new History(Duration.ofMinutes(5), 12, 8, 16, 4);
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    long now = 1_000_000_000_000L;
    for (int i = 0; i < events; i++) {
      now += r.nextLong(0, 3 * MINUTE);
      String name = "n" + r.nextInt(distinctNames);
      switch (r.nextInt(5)) {
        case 0 -> h.machine(now, MINUTE, "m" + r.nextInt(distinctNames), Set.of(name), "role" + r.nextInt(3),
            r.nextBoolean(), r.nextBoolean());
        case 1 -> h.queued(now, MINUTE, List.of(name), Optional.of(name));
        case 2 -> h.missing(now, MINUTE, name, r.nextBoolean());
        case 3 -> h.presence(now, MINUTE, "m" + r.nextInt(distinctNames), Reason.ASLEEP);
        default -> h.finished(now, List.of(name), Optional.empty(), r.nextLong(0, 60 * MINUTE), r.nextLong(-1, MINUTE));
      }
      assertTrue(h.entries() <= h.capacityInEntries(), () -> h.entries() + " entries");
    }
    assertTrue(h.bucketsInUse() <= 12);
  }

  /** A window sums exactly the buckets inside it: what was recorded before it has rolled out on the fake ticker. */
  @Property(tries = 100)
  void windowsRollWithTheTicker(@ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 30) Integer> gaps,
      @ForAll @IntRange(min = 1, max = 24) int windowBuckets, @ForAll @LongRange(min = 0, max = 4) long lateMinutes) {
    int buckets = 12;
    History h = new History(Duration.ofMinutes(5), buckets, 64, 64, 64);
    long start = 7 * MINUTE; // not zero, and not on a bucket edge of the ticker
    long now = start;
    long[] recorded = new long[gaps.size()];
    for (int i = 0; i < gaps.size(); i++) {
      now += gaps.get(i) * MINUTE;
      recorded[i] = now;
      h.queued(now, MINUTE, List.of("cpu"), Optional.empty());
      h.covered(now, MINUTE);
    }
    long asked = now + lateMinutes * MINUTE;
    Duration window = Duration.ofMinutes(5L * windowBuckets);
    History.Window w = h.window(asked, window, 4);
    long span = Math.min(buckets, windowBuckets);
    long origin = recorded[0]; // buckets are counted from the first reading the history saw
    long current = Math.floorDiv(asked - origin, 5 * MINUTE);
    long expected = 0;
    for (long at : recorded) {
      long bucket = Math.floorDiv(at - origin, 5 * MINUTE);
      // A bucket's slot is reused by the bucket a horizon later, so only the last `buckets` buckets survive.
      if (bucket > current - span) {
        expected += MINUTE;
      }
    }
    KeyStats cpu = w.keys.get(History.key("cpu", false));
    assertEquals(expected, cpu == null ? 0 : cpu.queueNanos);
    assertEquals(expected, w.coveredNanos);
  }

  /** Percentiles are known within one bin (a factor of 2^(1/4)) of the truth. */
  @Property(tries = 200)
  void percentileWithinOneBin(@ForAll @Size(min = 1, max = 200) List<@LongRange(min = 1, max = 100_000) Long> seconds) {
    Durations d = new Durations();
    for (long s : seconds) {
      d.add(s * 1_000_000_000L);
    }
    List<Long> sorted = seconds.stream().sorted().toList();
    long truth = sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1) * 1_000_000_000L;
    long got = d.quantile(0.95);
    assertTrue(got >= truth && got <= truth * 1.19 + 1_000_000_000L || truth < 1_000_000_000L && got == 0,
        () -> "p95 " + got + " vs " + truth);
  }
}
