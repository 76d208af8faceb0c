package dev.fleet;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a heartbeat says about a machine beyond its load: power, heat, and the person at the keyboard.
 *
 * <p>Immutable and thread-safe.
 *
 * @param onBattery whether the machine runs on battery right now
 * @param batteryPercent charge in [0, 100], when the machine has a battery
 * @param throttled whether the CPU is being slowed down for heat
 * @param ownerIdle how long since the owner last touched keyboard or mouse, when known
 * @param metrics free-form numbers, e.g. {@code cpu.temp=71.5}
 */
public record Signals(
    boolean onBattery,
    OptionalInt batteryPercent,
    boolean throttled,
    Optional<Duration> ownerIdle,
    Map<String, Double> metrics) {

  /** Nothing known beyond load: on mains power, not throttled. */
  public static final Signals NONE =
      new Signals(false, OptionalInt.empty(), false, Optional.empty(), Map.of());

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param onBattery any
   * @param batteryPercent not null; empty, or in [0, 100]
   * @param throttled any
   * @param ownerIdle not null; empty, or not negative
   * @param metrics not null, no empty key, each value finite; copied
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public Signals {
    Objects.requireNonNull(batteryPercent, "batteryPercent must not be null (use OptionalInt.empty())");
    if (batteryPercent.isPresent() && (batteryPercent.getAsInt() < 0 || batteryPercent.getAsInt() > 100)) {
      throw new IllegalArgumentException("batteryPercent must be in [0, 100], got " + batteryPercent.getAsInt());
    }
    Objects.requireNonNull(ownerIdle, "ownerIdle must not be null (use Optional.empty())");
    ownerIdle.ifPresent(d -> {
      if (d.isNegative()) {
        throw new IllegalArgumentException("ownerIdle must not be negative, got " + d);
      }
    });
    metrics = Checks.map("metric", metrics);
    metrics.forEach((k, v) -> {
      if (v.isNaN() || v.isInfinite()) {
        throw new IllegalArgumentException("metric '" + k + "' must be finite, got " + v);
      }
    });
  }

  /**
   * Signals of a machine on battery at the given charge, and nothing else known.
   *
   * @param percent the charge, in [0, 100]
   * @return the signals
   * @throws IllegalArgumentException if {@code percent} is outside [0, 100]; the message names it
   */
  public static Signals onBattery(int percent) {
    return new Signals(true, OptionalInt.of(percent), false, Optional.empty(), Map.of());
  }
}
