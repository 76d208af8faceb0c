package dev.fleet.core.internal.capacity;

/**
 * A histogram of durations in fixed bins growing by a factor of two to the quarter (about 19%) from one second,
 * so a percentile is known within a fifth of itself in a fixed 96 counters, whatever was recorded.
 *
 * <p>Not thread-safe; its {@link History} guards it.
 */
final class Durations {
  /** Bin 0 holds everything under a second; bin i >= 1 holds [2^((i-1)/4), 2^(i/4)) seconds; the last, the rest. */
  static final int BINS = 96;
  private final int[] counts = new int[BINS];
  private long total;

  static int bin(long nanos) {
    double seconds = nanos / 1e9;
    if (seconds < 1) {
      return 0;
    }
    int b = 1 + (int) Math.floor(4 * Math.log(seconds) / Math.log(2));
    return Math.min(b, BINS - 1);
  }

  /** The upper edge of a bin, in nanoseconds: what a percentile falling in it is reported as. */
  static long upper(int bin) {
    return bin == 0 ? 1_000_000_000L : (long) (Math.pow(2, bin / 4.0) * 1e9);
  }

  void add(long nanos) {
    int b = bin(Math.max(0, nanos));
    if (counts[b] < Integer.MAX_VALUE) {
      counts[b]++;
      total++;
    }
  }

  void addAll(Durations other) {
    for (int i = 0; i < BINS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  long count() {
    return total;
  }

  /** The q-quantile's bin's upper edge, in nanoseconds; 0 when nothing was recorded or it is under a second. */
  long quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BINS; i++) {
      seen += counts[i];
      if (seen >= Math.max(1, rank)) {
        return i == 0 ? 0 : upper(i);
      }
    }
    return upper(BINS - 1);
  }
}
