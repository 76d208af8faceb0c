package dev.fleet.transport.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What macOS's {@code pmset -g therm} says about heat: the thermal and performance warning levels and the CPU
 * limits the system imposes. Works on Intel and Apple silicon alike.
 *
 * <p>A cool machine prints {@code Note: No thermal warning level has been recorded} (and the same for the
 * performance warning level and the CPU power status). Under thermal pressure it prints, each line possibly
 * after a timestamp, {@code Thermal Warning Level = 70}, {@code Performance Warning Level = 1}, and a
 * {@code CPU Power notify} block of {@code CPU_Scheduler_Limit = 100}, {@code CPU_Available_CPUs = 8},
 * {@code CPU_Speed_Limit = 62} (percentages of full speed).
 *
 * <p>Immutable and thread-safe.
 *
 * @param thermalLevel the thermal warning level, 0 when none was recorded; empty when not reported
 * @param performanceLevel the performance warning level, 0 when none was recorded; empty when not reported
 * @param speedLimit {@code CPU_Speed_Limit}, percent of full speed
 * @param schedulerLimit {@code CPU_Scheduler_Limit}, percent of the CPUs' time the scheduler may use
 */
record PmsetThermal(OptionalInt thermalLevel, OptionalInt performanceLevel, OptionalInt speedLimit,
    OptionalInt schedulerLimit) {
  private static final Pattern LEVEL = Pattern.compile("(Thermal|Performance) Warning Level\\s*=\\s*(\\d{1,9})",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern NONE = Pattern.compile("No (thermal|performance) warning level has been recorded",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern LIMIT = Pattern.compile("CPU_(Speed|Scheduler)_Limit\\s*=\\s*(\\d{1,9})");

  /**
   * Reads {@code pmset -g therm} output.
   *
   * @throws IllegalStateException if it says nothing this parser knows, so a changed format is not taken for
   *     a cool machine
   */
  static PmsetThermal parse(String output) {
    Integer thermal = null;
    Integer performance = null;
    Integer speed = null;
    Integer scheduler = null;
    for (String line : output.split("\n")) {
      Matcher none = NONE.matcher(line);
      if (none.find()) {
        if (none.group(1).equalsIgnoreCase("thermal")) {
          thermal = thermal == null ? 0 : thermal;
        } else {
          performance = performance == null ? 0 : performance;
        }
        continue;
      }
      Matcher level = LEVEL.matcher(line);
      if (level.find()) {
        int v = Integer.parseInt(level.group(2));
        if (level.group(1).equalsIgnoreCase("thermal")) {
          thermal = v;
        } else {
          performance = v;
        }
        continue;
      }
      Matcher limit = LIMIT.matcher(line);
      if (limit.find()) {
        int v = Integer.parseInt(limit.group(2));
        if (limit.group(1).equals("Speed")) {
          speed = v;
        } else {
          scheduler = v;
        }
      }
    }
    if (thermal == null && performance == null && speed == null && scheduler == null) {
      throw new IllegalStateException("pmset -g therm printed no warning level and no CPU limit: '"
          + output.strip() + "'");
    }
    return new PmsetThermal(of(thermal), of(performance), of(speed), of(scheduler));
  }

  private static OptionalInt of(Integer v) {
    return v == null ? OptionalInt.empty() : OptionalInt.of(v);
  }

  /** Whether the system is slowing the CPU or warning of heat. */
  boolean throttled() {
    return thermalLevel.orElse(0) > 0 || performanceLevel.orElse(0) > 0 || speedLimit.orElse(100) < 100
        || schedulerLimit.orElse(100) < 100;
  }

  /**
   * As a probe reading: throttled or not, with metrics {@code thermal.level} and {@code cpu.speed.limit}
   * (a fraction of full speed) when reported.
   */
  Probe.Reading reading() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    thermalLevel.ifPresent(l -> metrics.put("thermal.level", (double) l));
    speedLimit.ifPresent(l -> metrics.put("cpu.speed.limit", l / 100.0));
    return new Probe.Reading(OptionalDouble.empty(), Optional.empty(), OptionalInt.empty(),
        Optional.of(throttled()), metrics);
  }
}
