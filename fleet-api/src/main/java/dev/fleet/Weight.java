package dev.fleet;

import java.util.Locale;

/**
 * How much of a machine a task takes. Heavy work avoids machines on battery or throttling, and
 * counts double against a machine's load until a heartbeat reports it.
 */
public enum Weight {
  /** Counts half a task's load estimate. */
  LIGHT(0.5),
  /** Counts one task's load estimate; the default. */
  NORMAL(1.0),
  /** Counts double, and avoids machines on battery or slowed down by heat. */
  HEAVY(2.0);

  private final double factor;

  Weight(double factor) {
    this.factor = factor;
  }

  /**
   * Multiplier on the fleet's per-task load estimate (or on one slot's share, for a machine with slots).
   *
   * @return 0.5, 1 or 2
   */
  public double factor() {
    return factor;
  }

  /**
   * Parses {@code "light"}, {@code "normal"} or {@code "heavy"}, in any case, ignoring surrounding blanks.
   *
   * @param text the word; null is refused like any other non-weight
   * @return the weight it names
   * @throws IllegalArgumentException if it names none; the message quotes it and lists the words
   */
  public static Weight parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("weight '" + text + "' is not one of light, normal, heavy");
    }
  }
}
