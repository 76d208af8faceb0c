package dev.fleet.transport.http;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Gathers one kind of signal for an agent's heartbeats: CPU load, battery, heat, the owner's idle time, or
 * anything an embedder measures. {@link Probes#forThisMachine()} picks the built-in ones for the system the
 * agent runs on ({@link LinuxProbes}, {@link MacProbes}).
 *
 * <p>Called on the agent's control thread before every heartbeat, so it must be quick: a probe that runs a
 * command does so in the background and returns its last answer. Implementations need not be thread-safe. A
 * probe that throws is logged and skipped for that heartbeat; its {@code toString} names it in that log.
 */
@FunctionalInterface
public interface Probe {

  /**
   * Reads the signal now, on the agent's control thread, once before every heartbeat.
   *
   * @return what it found; {@link Reading#NONE} when it has nothing to say this time (a null is treated as a
   *     failure)
   * @throws Exception if it cannot read the signal: the agent logs it at WARNING once, leaves this probe out of
   *     the heartbeats while it keeps failing, and logs again at INFO when it reads again
   */
  Reading read() throws Exception;

  /**
   * What a probe found; each part optional, so probes combine. The agent reports the highest load of its
   * probes and its own busy slots, is on battery or throttled if any probe says so, and merges metrics.
   *
   * <p>Immutable and thread-safe.
   *
   * @param load how busy the machine is, 0 idle, 1 fully busy (more on an overloaded machine); a finite
   *     number {@code >= 0} when present
   * @param onBattery whether it runs on battery
   * @param batteryPercent charge in [0, 100]
   * @param throttled whether the CPU is slowed for heat
   * @param metrics free-form numbers by name, e.g. {@code cpu.temp}; copied. Where two probes report the same
   *     name the later probe's value is sent; values that are not finite are left out
   * @param ownerIdle how long since the owner last touched the machine, not negative; with several probes the
   *     shortest wins
   */
  record Reading(OptionalDouble load, Optional<Boolean> onBattery, OptionalInt batteryPercent,
      Optional<Boolean> throttled, Map<String, Double> metrics, Optional<Duration> ownerIdle) {

    /** Nothing found. */
    public static final Reading NONE =
        new Reading(OptionalDouble.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(), Map.of());

    /**
     * A reading that says nothing of the owner's activity ({@code ownerIdle} empty), validated as the canonical
     * constructor does.
     *
     * @param load how busy the machine is, 0 idle, 1 fully busy; a finite number {@code >= 0} when present
     * @param onBattery whether it runs on battery
     * @param batteryPercent charge in [0, 100]
     * @param throttled whether the CPU is slowed for heat
     * @param metrics free-form numbers by name, e.g. {@code cpu.temp}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the load or the battery charge is out of range, naming it
     */
    public Reading(OptionalDouble load, Optional<Boolean> onBattery, OptionalInt batteryPercent,
        Optional<Boolean> throttled, Map<String, Double> metrics) {
      this(load, onBattery, batteryPercent, throttled, metrics, Optional.empty());
    }

    /**
     * Only the owner's idle time, e.g. from a desktop session's idle monitor.
     *
     * @param idle how long since the owner's last input; not negative
     * @return a reading with nothing else in it
     * @throws NullPointerException if {@code idle} is null
     * @throws IllegalArgumentException if {@code idle} is negative
     */
    public static Reading ownerIdle(Duration idle) {
      return new Reading(OptionalDouble.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(), Map.of(),
          Optional.of(idle));
    }

    /**
     * Validates a reading and copies its metrics.
     *
     * @param load empty, or a finite number {@code >= 0}
     * @param onBattery empty when the probe cannot tell
     * @param batteryPercent empty, or in [0, 100]
     * @param throttled empty when the probe cannot tell
     * @param metrics free-form numbers by name; copied, no null names or values
     * @param ownerIdle empty, or not negative
     * @throws NullPointerException if a component, or a metric's name or value, is null
     * @throws IllegalArgumentException if the load is not a finite number {@code >= 0}, the battery charge is
     *     outside [0, 100] or the owner's idle time is negative, naming the bad value
     */
    public Reading {
      Objects.requireNonNull(load, "load");
      load.ifPresent(l -> {
        if (!(l >= 0) || Double.isInfinite(l)) {
          throw new IllegalArgumentException("probe load must be a finite number >= 0, got " + l);
        }
      });
      Objects.requireNonNull(onBattery, "onBattery");
      Objects.requireNonNull(batteryPercent, "batteryPercent");
      if (batteryPercent.isPresent() && (batteryPercent.getAsInt() < 0 || batteryPercent.getAsInt() > 100)) {
        throw new IllegalArgumentException("batteryPercent must be in [0, 100], got " + batteryPercent.getAsInt());
      }
      Objects.requireNonNull(throttled, "throttled");
      metrics = Map.copyOf(Objects.requireNonNull(metrics, "metrics"));
      Objects.requireNonNull(ownerIdle, "ownerIdle");
      ownerIdle.ifPresent(d -> {
        if (d.isNegative()) {
          throw new IllegalArgumentException("probe ownerIdle must not be negative, got " + d);
        }
      });
    }
  }
}
