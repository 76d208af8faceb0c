package dev.fleet;

import java.util.Locale;

/**
 * How urgent a task is. Queued tasks are dispatched highest priority first, first come first served
 * within a priority.
 */
public enum Priority {
  /**
   * Goes first, may use the fleet's higher urgent load ceiling, and, where the fleet allows preemption, may
   * take a machine from lower-priority work.
   */
  URGENT,
  /** Ahead of normal work in the queue. */
  HIGH,
  /** The default. */
  NORMAL,
  /** After normal work in the queue. */
  LOW,
  /**
   * Last in the queue, and work that yields to people: it waits until a machine's owner is away or in quiet
   * hours, and leaves or pauses when the owner returns (see {@link OwnerReturnPolicy}).
   */
  BACKGROUND;

  /**
   * Parses {@code "urgent"}, {@code "normal"} and so on, in any case, ignoring surrounding blanks.
   *
   * @param text the word; null is refused like any other non-priority
   * @return the priority it names
   * @throws IllegalArgumentException if it names none; the message quotes it and lists the words
   */
  public static Priority parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("priority '" + text + "' is not one of urgent, high, normal, low, background");
    }
  }

  /**
   * The lower-case word used in files and explanations, e.g. {@code normal}; {@link #parse} reads it back.
   *
   * @return the constant's name in lower case
   */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
