package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The busy fraction of /proc/stat counters, over any sequence of counters the kernel (or a bug) may print. */
class CpuBusyProbeProperties {

  /** Counters anywhere in the unsigned 64-bit range, small or near a wrap, rising, falling or repeating. */
  @Provide
  Arbitrary<List<long[]>> counterSequences() {
    Arbitrary<Long> counter = Arbitraries.oneOf(Arbitraries.longs().between(0, 1_000_000),
        Arbitraries.longs(), Arbitraries.longs().between(Long.MAX_VALUE - 1000, Long.MAX_VALUE),
        Arbitraries.longs().between(-1000, -1));
    Arbitrary<long[]> line = counter.array(long[].class).ofMinSize(4).ofMaxSize(10);
    return line.list().ofMinSize(2).ofMaxSize(20);
  }

  @Property
  void busyFractionNeverExceedsOne(@ForAll("counterSequences") List<long[]> sequence) {
    CpuTicks previous = null;
    for (long[] columns : sequence) {
      CpuTicks now = CpuTicks.parse("cpu " + CpuTicks.of(columns).toString().substring(4) + "\n", "test");
      if (previous != null) {
        OptionalDouble busy = now.busySince(previous);
        busy.ifPresent(b -> assertTrue(b >= 0 && b <= 1, "busy " + b + " from " + now));
      }
      previous = now;
    }
  }

  @Property
  void risingCountersReadExactlyTheShareOfBusyTicks(@ForAll("steps") List<long[]> steps) {
    long[] counters = new long[8];
    CpuTicks previous = CpuTicks.of(counters);
    for (long[] step : steps) {
      long busy = 0;
      long all = 0;
      for (int i = 0; i < 8; i++) {
        counters[i] += step[i];
        all += step[i];
        busy += (i == 3 || i == 4) ? 0 : step[i];
      }
      CpuTicks now = CpuTicks.of(counters.clone());
      OptionalDouble fraction = now.busySince(previous);
      if (all == 0) {
        assertTrue(fraction.isEmpty(), "no ticks passed, yet " + fraction);
      } else {
        assertEquals((double) busy / all, fraction.getAsDouble(), 1e-9);
      }
      previous = now;
    }
  }

  @Provide
  Arbitrary<List<long[]>> steps() {
    return Arbitraries.longs().between(0, 10_000).array(long[].class).ofSize(8).list().ofMinSize(1).ofMaxSize(10);
  }
}
