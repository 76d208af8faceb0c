package dev.fleet;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens to a running background task when the owner of its machine comes back: it moves to another
 * machine (the default), or it pauses where it is and resumes there once the owner is away again or the
 * machine's quiet hours begin.
 *
 * <p>Only {@link Priority#BACKGROUND} tasks are affected; other tasks carry the policy without effect. A pause
 * keeps the attempt and its token: the machine is told to pause it and later to resume it, its load stops
 * counting for placement meanwhile, and a result it reports while paused is accepted. A task still paused after
 * {@link #pauseAtMost()} moves anyway, as if its policy were {@link #MOVE}. A machine that goes offline or
 * leaves while its work is paused loses that work like any other: normal failover applies.
 *
 * <p>Immutable and thread-safe.
 *
 * @param action move the work away, or pause it in place
 * @param pauseAtMost for {@link Action#PAUSE}: how long it may stay paused before it moves anyway, positive,
 *     {@link #PAUSE_FOREVER} for no limit; for {@link Action#MOVE}: {@link Duration#ZERO}
 */
public record OwnerReturnPolicy(Action action, Duration pauseAtMost) {

  /** What to do with running background work when the owner returns. */
  public enum Action {
    /** End the attempt and queue the task for another machine, without counting a lost attempt. */
    MOVE,
    /** Keep the attempt on the machine, paused, and resume it there when the owner is away again. */
    PAUSE
  }

  /** A pause limit that never runs out: the work waits on its machine for as long as the owner stays. */
  public static final Duration PAUSE_FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

  /** How long paused work waits for its machine by default before it moves: one hour. */
  public static final Duration DEFAULT_PAUSE_AT_MOST = Duration.ofHours(1);

  /** The default: background work leaves a machine whose owner returns. */
  public static final OwnerReturnPolicy MOVE = new OwnerReturnPolicy(Action.MOVE, Duration.ZERO);

  /** Background work pauses in place for up to {@link #DEFAULT_PAUSE_AT_MOST}, then moves. */
  public static final OwnerReturnPolicy PAUSE = new OwnerReturnPolicy(Action.PAUSE, DEFAULT_PAUSE_AT_MOST);

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param action not null
   * @param pauseAtMost not null; zero for {@link Action#MOVE}, positive for {@link Action#PAUSE}
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code pauseAtMost} does not fit {@code action}; the message names it
   */
  public OwnerReturnPolicy {
    Objects.requireNonNull(action, "owner-return action must not be null");
    Objects.requireNonNull(pauseAtMost, "pauseAtMost must not be null");
    if (action == Action.MOVE && !pauseAtMost.isZero()) {
      throw new IllegalArgumentException("an owner-return policy that moves work has no pause limit: pauseAtMost must"
          + " be zero, got " + pauseAtMost);
    }
    if (action == Action.PAUSE && (pauseAtMost.isNegative() || pauseAtMost.isZero())) {
      throw new IllegalArgumentException("pauseAtMost of an owner-return policy that pauses must be positive, got "
          + pauseAtMost);
    }
  }

  /**
   * Pauses in place for at most {@code atMost}, then moves.
   *
   * @param atMost how long the work may stay paused; positive, {@link #PAUSE_FOREVER} for no limit
   * @return the policy
   * @throws NullPointerException if {@code atMost} is null
   * @throws IllegalArgumentException if {@code atMost} is zero or negative; the message names it
   */
  public static OwnerReturnPolicy pause(Duration atMost) {
    return new OwnerReturnPolicy(Action.PAUSE, Objects.requireNonNull(atMost, "pauseAtMost"));
  }

  /**
   * Whether the work pauses in place rather than moving.
   *
   * @return true if {@link #action()} is {@link Action#PAUSE}
   */
  public boolean pauses() {
    return action == Action.PAUSE;
  }

  /**
   * Reads {@code move}, {@code pause} (for the default limit), or {@code pause:DURATION} with an ISO-8601
   * duration such as {@code pause:PT30M}, ignoring case and surrounding blanks.
   *
   * @param text the policy as written in a file or on a command line; not null
   * @return the policy it names
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException naming the text, if it is none of those
   */
  public static OwnerReturnPolicy parse(String text) {
    Objects.requireNonNull(text, "owner-return policy");
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("move")) {
      return MOVE;
    }
    if (t.equals("pause")) {
      return PAUSE;
    }
    if (t.startsWith("pause:")) {
      Duration d;
      try {
        d = Duration.parse(t.substring(6).toUpperCase(java.util.Locale.ROOT));
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("owner-return policy '" + text + "' has no duration such as pause:PT30M");
      }
      return pause(d);
    }
    throw new IllegalArgumentException("unknown owner-return policy '" + text + "'; expected move, pause or"
        + " pause:PT30M");
  }
}
