package dev.fleet.testing.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How often simulated agents stop for a while on their own, as a garbage collector or an overloaded host
 * makes them: pauses arrive at random (a Poisson process per machine, the gaps counted from the end of the
 * previous pause, so pauses never overlap) and last a uniformly drawn time.
 *
 * <p>The simulator turns the model into {@link Fault.Pause}s before the run starts, from the run's seed, so
 * two runs with the same seed pause at the same moments whatever the fleet decides. Immutable and
 * thread-safe.
 *
 * @param perMachineHour how many pauses a machine has in an hour on average; 0 for none
 * @param shortest the shortest pause
 * @param longest the longest pause
 */
public record PauseModel(double perMachineHour, Duration shortest, Duration longest) {

  private static final PauseModel NONE = new PauseModel(0, Duration.ZERO, Duration.ZERO);

  /**
   * Checks the model.
   *
   * @param perMachineHour how many pauses a machine has in an hour on average; 0 for none
   * @param shortest the shortest pause
   * @param longest the longest pause
   * @throws IllegalArgumentException if the rate is negative or not finite, the bounds are out of order, or pauses
   *     happen but last zero; the message holds the values
   * @throws NullPointerException if a bound is null
   */
  public PauseModel {
    if (!(perMachineHour >= 0) || Double.isInfinite(perMachineHour)) {
      throw new IllegalArgumentException("perMachineHour must be a finite number >= 0, got " + perMachineHour);
    }
    Objects.requireNonNull(shortest, "shortest");
    Objects.requireNonNull(longest, "longest");
    if (shortest.isNegative() || longest.compareTo(shortest) < 0) {
      throw new IllegalArgumentException("need 0 <= shortest <= longest, got " + shortest + " and " + longest);
    }
    if (perMachineHour > 0 && longest.isZero()) {
      throw new IllegalArgumentException("pauses that happen must last longer than zero");
    }
  }

  /**
   * No pauses.
   *
   * @return the model of a run without pauses
   */
  public static PauseModel none() {
    return NONE;
  }

  /**
   * Pauses at {@code perMachineHour} on average, each lasting between {@code shortest} and {@code longest}.
   *
   * @param perMachineHour how many pauses a machine has in an hour on average; 0 for none
   * @param shortest the shortest pause; zero or more
   * @param longest the longest pause; at least {@code shortest}
   * @return the model
   * @throws IllegalArgumentException as the constructor does
   */
  public static PauseModel uniform(double perMachineHour, Duration shortest, Duration longest) {
    return new PauseModel(perMachineHour, shortest, longest);
  }

  /**
   * Whether any pause happens.
   *
   * @return {@code true} if the rate is above zero
   */
  public boolean pauses() {
    return perMachineHour > 0;
  }
}
