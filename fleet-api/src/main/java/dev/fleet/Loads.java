package dev.fleet;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Formats loads for explanations: two decimals, more only where two would make a true sentence look false.
 * Every dispatch explains itself, under the fleet's lock, so this avoids {@link java.util.Formatter}, which
 * builds its number symbols afresh on every call.
 */
final class Loads {
  private Loads() {}

  static String format(double load) {
    return fixed(load, 2);
  }

  /** {@code load}, known to be below {@code ceiling}, with enough decimals to show that it is. */
  static String below(double load, double ceiling) {
    for (int digits = 2; digits <= 6; digits++) {
      String l = fixed(load, digits);
      if (!l.equals(fixed(ceiling, digits))) {
        return l;
      }
    }
    return Double.toString(load);
  }

  /**
   * {@code value} with {@code digits} decimals, as {@code String.format(Locale.ROOT, "%.<digits>f", value)}
   * writes it: the shortest decimal that reads back as the value, rounded half up.
   */
  static String fixed(double value, int digits) {
    if (!Double.isFinite(value) || Double.doubleToRawLongBits(value) < 0) { // loads are never negative, or NaN
      return String.format(Locale.ROOT, "%." + digits + "f", value);
    }
    return new BigDecimal(Double.toString(value)).setScale(digits, RoundingMode.HALF_UP).toPlainString();
  }
}
