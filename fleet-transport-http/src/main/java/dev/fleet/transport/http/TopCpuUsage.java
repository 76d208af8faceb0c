package dev.fleet.transport.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How busy a Mac's CPUs are, from {@code top -l 2 -n 0 -s 1}: two samples a second apart, without the process
 * list. Each sample has a {@code CPU usage: 12.50% user, 6.25% sys, 81.25% idle} line and a
 * {@code Load Avg: 1.90, 1.73, 1.68} line; the first sample's CPU usage is not over a real interval, so the
 * last one counts.
 *
 * <p>Immutable and thread-safe.
 *
 * @param busy the busy fraction of all CPUs over the last sample's second, in [0, 1]
 * @param load1 the 1-minute load average, when printed
 */
record TopCpuUsage(double busy, OptionalDouble load1) {
  private static final Pattern USAGE = Pattern.compile("CPU usage:.*?([0-9]+(?:\\.[0-9]+)?)% idle");
  private static final Pattern LOAD = Pattern.compile("Load Avg:\\s*([0-9]+(?:\\.[0-9]+)?)");

  TopCpuUsage {
    if (!(busy >= 0 && busy <= 1)) {
      throw new IllegalArgumentException("busy must be in [0, 1], got " + busy);
    }
  }

  /**
   * Reads the last sample of {@code top -l N -n 0} output.
   *
   * @throws IllegalStateException if there is no {@code CPU usage} line with an idle percentage
   */
  static TopCpuUsage parse(String output) {
    Double idle = null;
    Double load = null;
    for (String line : output.split("\n")) {
      Matcher u = USAGE.matcher(line);
      if (u.find()) {
        idle = Double.parseDouble(u.group(1));
      }
      Matcher l = LOAD.matcher(line);
      if (l.find()) {
        load = Double.parseDouble(l.group(1));
      }
    }
    if (idle == null) {
      throw new IllegalStateException("top printed no \"CPU usage: ... % idle\" line: '" + output.strip() + "'");
    }
    double busy = Math.max(0, Math.min(1, (100 - idle) / 100));
    return new TopCpuUsage(busy, load == null ? OptionalDouble.empty() : OptionalDouble.of(load));
  }

  /** As a probe reading: the busy fraction as load, metrics {@code cpu.busy} and {@code cpu.load1}. */
  Probe.Reading reading() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("cpu.busy", busy);
    load1.ifPresent(l -> metrics.put("cpu.load1", l));
    return new Probe.Reading(OptionalDouble.of(busy), Optional.empty(), OptionalInt.empty(), Optional.empty(),
        metrics);
  }
}
