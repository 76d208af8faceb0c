package dev.fleet.transport.http;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How busy the machine's CPUs were since the previous reading, from {@code /proc/stat}: the load it reports is
 * that busy fraction of all CPUs together, in [0, 1] (metric {@code cpu.busy}), beside the raw 1-minute load
 * average of {@code /proc/loadavg} (metric {@code cpu.load1}, not divided by anything).
 *
 * <p>The busy fraction needs two readings. The first one has no interval, so it reports no load, only
 * {@code cpu.load1}; {@link Probes} takes that first reading when it builds the probes, so the agent's first
 * heartbeat, which follows its join, already has an interval. Two readings in the same clock tick have no
 * interval either and report no load. The fraction counts everything that ran, the fleet's own tasks included:
 * the agent reports its busy slots beside it.
 *
 * <p>Thread-safe: readings are serialized.
 */
final class CpuBusyProbe implements Probe {
  private final Path stat;
  private final Path loadavg;
  private CpuTicks previous;

  CpuBusyProbe(Path root) {
    Objects.requireNonNull(root, "root");
    this.stat = root.resolve("proc/stat");
    this.loadavg = root.resolve("proc/loadavg");
  }

  @Override
  public synchronized Reading read() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    LinuxProbes.read(loadavg).ifPresent(text -> metrics.put("cpu.load1", load1(text)));
    Optional<String> text = LinuxProbes.read(stat);
    OptionalDouble busy = OptionalDouble.empty();
    if (text.isPresent()) {
      CpuTicks now = CpuTicks.parse(text.get(), stat.toString());
      if (previous != null) {
        busy = now.busySince(previous);
      }
      previous = now;
    }
    busy.ifPresent(b -> metrics.put("cpu.busy", b));
    if (busy.isEmpty() && metrics.isEmpty()) {
      return Reading.NONE;
    }
    return new Reading(busy, Optional.empty(), OptionalInt.empty(), Optional.empty(), metrics);
  }

  private double load1(String text) {
    String first = text.trim().split("\\s+")[0];
    double load1;
    try {
      load1 = Double.parseDouble(first);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(loadavg + " does not start with a load average: '" + text.trim() + "'");
    }
    if (!(load1 >= 0) || Double.isInfinite(load1)) {
      throw new IllegalStateException(loadavg + " has a load average that is not a number >= 0: " + first);
    }
    return load1;
  }

  @Override
  public String toString() {
    return "cpu busy (" + stat + ")";
  }
}
