package dev.fleet.transport.http;

import dev.fleet.MachineId;
import dev.fleet.Signals;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What an agent's heartbeat says about its machine: the probes' readings folded into one set of {@link Signals}
 * (the worst of each: on battery if any probe says so, the lowest battery, the shortest owner idle time), and the
 * load, the busier of the agent's own slots and any probe's load. A probe that throws is skipped and said once.
 *
 * <p>Confined to the agent's control thread.
 */
final class ProbeSignals {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());

  private final MachineId machine;
  private final List<Probe> probes;
  /** Probes that failed at their last reading, by identity: several probes may share one class. */
  private final Set<Probe> failingProbes = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  private List<Probe.Reading> readings = List.of();

  ProbeSignals(MachineId machine, List<Probe> probes) {
    this.machine = machine;
    this.probes = List.copyOf(probes);
  }

  /** Reads every probe; call it before {@link #load}, which uses these readings. */
  Signals read() {
    List<Probe.Reading> out = new ArrayList<>(probes.size());
    for (Probe p : probes) {
      try {
        out.add(Objects.requireNonNull(p.read(), "probe returned null"));
        if (failingProbes.remove(p)) {
          LOG.log(Level.INFO, machine + ": probe " + p + " reads again");
        }
      } catch (Exception e) {
        if (failingProbes.add(p)) {
          LOG.log(Level.WARNING, machine + ": probe " + p + " failed; skipping it while it fails", e);
        }
      }
    }
    readings = out;
    boolean onBattery = false;
    boolean throttled = false;
    OptionalInt battery = OptionalInt.empty();
    Optional<Duration> ownerIdle = Optional.empty();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Probe.Reading r : out) {
      if (r.ownerIdle().isPresent() && (ownerIdle.isEmpty() || r.ownerIdle().get().compareTo(ownerIdle.get()) < 0)) {
        ownerIdle = r.ownerIdle();
      }
      onBattery |= r.onBattery().orElse(false);
      throttled |= r.throttled().orElse(false);
      if (r.batteryPercent().isPresent()
          && (battery.isEmpty() || r.batteryPercent().getAsInt() < battery.getAsInt())) {
        battery = r.batteryPercent();
      }
      metrics.putAll(r.metrics());
    }
    metrics.values().removeIf(v -> !Double.isFinite(v));
    return new Signals(onBattery, battery, throttled, ownerIdle, metrics);
  }

  /**
   * The load to report: {@code busy} of {@code slots} slots (paused work is not counted: the coordinator no
   * longer counts it either), or a probe's load if that is higher.
   */
  double load(int busy, int slots) {
    double load = (double) busy / slots;
    for (Probe.Reading r : readings) {
      if (r.load().isPresent()) {
        load = Math.max(load, r.load().getAsDouble());
      }
    }
    return load;
  }
}
