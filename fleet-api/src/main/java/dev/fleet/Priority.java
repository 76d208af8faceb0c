package dev.fleet;

import java.util.Locale;

/**
 * How urgent a task is. Queued tasks are dispatched highest priority first, first come first served
 * within a priority.
 */
public enum Priority {
  URGENT,
  HIGH,
  NORMAL,
  LOW,
  BACKGROUND;

  /** Parses {@code "urgent"}, {@code "normal"} and so on, in any case. */
  public static Priority parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("priority '" + text + "' is not one of urgent, high, normal, low, background");
    }
  }

  /** The lower-case word used in files and explanations, e.g. {@code normal}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
