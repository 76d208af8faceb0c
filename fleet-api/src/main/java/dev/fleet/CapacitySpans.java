package dev.fleet;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/** How capacity advice writes spans and shares ("2h 10m", "62%"), and the checks of its records. */
final class CapacitySpans {
  private CapacitySpans() {}

  /** {@code 45s}, {@code 18 min}, {@code 2h 10m}, {@code 3d 4h}. */
  static String words(Duration d) {
    long s = d.getSeconds();
    if (s < 60) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + " min";
    }
    long h = m / 60;
    if (h < 48) {
      return m % 60 == 0 ? h + "h" : h + "h " + m % 60 + "m";
    }
    return h % 24 == 0 ? h / 24 + "d" : h / 24 + "d " + h % 24 + "h";
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%d%%", Math.round(share * 100));
  }

  static Duration notNegative(String what, Duration d) {
    Objects.requireNonNull(d, what + " must not be null");
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, got " + d);
    }
    return d;
  }

  static double share(String what, double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1], got " + share);
    }
    return share;
  }
}
