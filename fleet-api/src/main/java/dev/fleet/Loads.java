package dev.fleet;

import java.util.Locale;

/** Formats loads for explanations: two decimals, more only where two would make a true sentence look false. */
final class Loads {
  private Loads() {}

  static String format(double load) {
    return String.format(Locale.ROOT, "%.2f", load);
  }

  /** {@code load}, known to be below {@code ceiling}, with enough decimals to show that it is. */
  static String below(double load, double ceiling) {
    for (int digits = 2; digits <= 6; digits++) {
      String l = String.format(Locale.ROOT, "%." + digits + "f", load);
      if (!l.equals(String.format(Locale.ROOT, "%." + digits + "f", ceiling))) {
        return l;
      }
    }
    return Double.toString(load);
  }
}
