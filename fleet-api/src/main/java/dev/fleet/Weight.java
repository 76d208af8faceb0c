package dev.fleet;

import java.util.Locale;

/**
 * How much of a machine a task takes. Heavy work avoids machines on battery or throttling, and
 * counts double against a machine's load until a heartbeat reports it.
 */
public enum Weight {
  LIGHT(0.5),
  NORMAL(1.0),
  HEAVY(2.0);

  private final double factor;

  Weight(double factor) {
    this.factor = factor;
  }

  /** Multiplier on the fleet's per-task load estimate. */
  public double factor() {
    return factor;
  }

  /** Parses {@code "light"}, {@code "normal"} or {@code "heavy"}, in any case. */
  public static Weight parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("weight '" + text + "' is not one of light, normal, heavy");
    }
  }
}
