package dev.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written formatting and name checks say exactly what String.format and the name pattern said. */
class LoadsAndNamesTest {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  @Test
  void fixedDecimalsAreWhatFormatWrites() {
    Random r = new Random(7);
    double[] special = {0.0, -0.0, 1.0, 0.005, 0.015, 0.125, 1.005, 2.675, 0.995, 0.9999995, 1e-7, 5e-7, 123456789.125,
        1e15, 1e300, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, -1.005, 0.45, 0.85, 0.1 + 0.2};
    for (double d : special) {
      check(d);
    }
    for (int i = 0; i < 40_000; i++) {
      double d = switch (i % 4) {
        case 0 -> r.nextDouble();
        case 1 -> r.nextDouble() * 10;
        case 2 -> Math.round(r.nextDouble() * 1e6) / 1e6 + 5e-7 * r.nextInt(3); // near the rounding points
        default -> Double.longBitsToDouble(r.nextLong());
      };
      check(d);
    }
  }

  private static void check(double d) {
    for (int digits = 2; digits <= 6; digits++) {
      assertEquals(String.format(Locale.ROOT, "%." + digits + "f", d), Loads.fixed(d, digits), "%." + digits + "f of "
          + d);
    }
  }

  @Test
  void belowShowsEnoughDecimals() {
    assertEquals("0.45", Loads.below(0.45, 0.85));
    assertEquals("0.849", Loads.below(0.849, 0.85));
    assertEquals("0.849999", Loads.below(0.849999, 0.85));
    assertEquals("0.85", Loads.format(0.85));
  }

  @Test
  void namesAreWhatThePatternAccepts() {
    Random r = new Random(11);
    String alphabet = "aZ09._:- !/\u00e9\u0000";
    for (int i = 0; i < 200_000; i++) {
      int n = r.nextInt(i % 100 == 0 ? 140 : 6);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < n; k++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      assertEquals(NAME.matcher(s).matches(), Checks.isName(s), "'" + s + "'");
    }
    assertEquals(true, Checks.isName("a".repeat(128)));
    assertEquals(false, Checks.isName("a".repeat(129)));
  }
}
