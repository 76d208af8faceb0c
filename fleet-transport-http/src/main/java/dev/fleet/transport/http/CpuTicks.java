package dev.fleet.transport.http;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * The machine's cumulative CPU time from the aggregate {@code cpu} line of {@code /proc/stat}, in clock ticks
 * since boot, and the busy fraction between two such readings.
 *
 * <p>The line's columns are {@code user nice system idle iowait irq softirq steal guest guest_nice}; older
 * kernels print fewer (missing ones count as 0). {@code guest} and {@code guest_nice} are already inside
 * {@code user} and {@code nice}, so they are not added again. Idle time is {@code idle + iowait}: a CPU waiting
 * for a disk could run other work. Everything else, {@code steal} included (the hypervisor gave the time to
 * someone else, so it was not ours to use), is busy.
 *
 * <p>Immutable and thread-safe.
 */
final class CpuTicks {
  /** user nice system idle iowait irq softirq steal. */
  private static final int COLUMNS = 8;
  private static final int IDLE = 3;
  private static final int IOWAIT = 4;

  private final long[] ticks; // unsigned, as the kernel's u64 counters

  private CpuTicks(long[] ticks) {
    this.ticks = ticks;
  }

  /** Ticks as the kernel prints them, in column order; at most the first 8 are used. */
  static CpuTicks of(long... columns) {
    return new CpuTicks(Arrays.copyOf(columns, COLUMNS));
  }

  /**
   * Reads the aggregate {@code cpu} line of a {@code /proc/stat} text.
   *
   * @param source names the text in error messages, e.g. the file
   * @throws IllegalStateException if there is no such line or it holds something other than counters
   */
  static CpuTicks parse(String procStat, String source) {
    for (String line : procStat.split("\n", -1)) {
      String[] parts = line.trim().split("\\s+");
      if (!parts[0].equals("cpu")) {
        continue;
      }
      if (parts.length < 5) {
        throw new IllegalStateException(source + " has a cpu line with fewer than 4 counters: '" + line.trim() + "'");
      }
      long[] t = new long[COLUMNS];
      for (int i = 0; i < COLUMNS && i + 1 < parts.length; i++) {
        try {
          t[i] = Long.parseUnsignedLong(parts[i + 1]);
        } catch (NumberFormatException e) {
          throw new IllegalStateException(source + " has a cpu line with a counter that is not a number ("
              + parts[i + 1] + "): '" + line.trim() + "'");
        }
      }
      return new CpuTicks(t);
    }
    throw new IllegalStateException(source + " has no aggregate 'cpu' line");
  }

  /**
   * The fraction of the machine's CPU time that was busy between {@code earlier} and this reading: in [0, 1],
   * or empty when no time passed between them. A counter that went down (iowait does, on some kernels; a
   * counter that wrapped) counts as no time for that column rather than a negative one.
   */
  OptionalDouble busySince(CpuTicks earlier) {
    double busy = 0;
    double idle = 0;
    for (int i = 0; i < COLUMNS; i++) {
      double d = delta(earlier.ticks[i], ticks[i]);
      if (i == IDLE || i == IOWAIT) {
        idle += d;
      } else {
        busy += d;
      }
    }
    double total = busy + idle; // >= busy in floating point too, so the fraction never exceeds 1
    if (!(total > 0) || Double.isInfinite(total)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Math.min(1.0, busy / total));
  }

  private static double delta(long before, long after) {
    if (Long.compareUnsigned(after, before) <= 0) {
      return 0;
    }
    long d = after - before; // the unsigned difference
    return d >= 0 ? d : (double) (d >>> 1) * 2.0;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("cpu");
    for (long t : ticks) {
      b.append(' ').append(Long.toUnsignedString(t));
    }
    return b.toString();
  }
}
