package dev.fleet.core.internal.capacity;

import dev.fleet.CapacityFinding;
import dev.fleet.CapacityReport;
import dev.fleet.CapacityUse;
import dev.fleet.MachineId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a {@link History.Window} into a {@link CapacityReport}: the rules that decide what is worth saying.
 *
 * <p>Stateless and thread-safe.
 */
public final class CapacityAdvice {
  /** Machines of a capability at the ceiling at least this share of their time, with work queued, are saturated. */
  static final double SATURATED = 0.5;
  /** A machine running nothing at least this share of its online time is idle. */
  static final double IDLE = 0.9;
  /** A machine online less than this share of the covered time is not judged idle: it was barely there. */
  static final double PRESENT = 0.5;
  /** Presence waits shorter than this in the window are not worth a sentence. */
  static final Duration PRESENCE_FLOOR = Duration.ofMinutes(1);

  private CapacityAdvice() {}

  /**
   * The report on {@code w}, a window of {@code window}.
   *
   * @param capabilities the capabilities some registered machine has now: a missing one that has since been
   *     added is not reported
   */
  public static CapacityReport report(History.Window w, Duration window, Set<String> capabilities) {
    List<CapacityFinding> findings = new ArrayList<>();
    List<CapacityUse> uses = new ArrayList<>();
    Duration covered = w.covered().compareTo(window) > 0 ? window : w.covered();
    Map<String, KeyStats> keys = new TreeMap<>(w.keys);
    List<CapacityFinding> saturated = new ArrayList<>();
    for (Map.Entry<String, KeyStats> e : keys.entrySet()) {
      boolean role = e.getKey().charAt(0) == 'r';
      String name = e.getKey().substring(1);
      KeyStats s = e.getValue();
      if (s.missingTasks > 0 && !role && !capabilities.contains(name)) {
        findings.add(new CapacityFinding.MissingCapability(name, s.missingTasks, Duration.ofNanos(s.missingNanos)));
      }
      double share = s.machineNanos == 0 ? 0 : Math.min(1, (double) s.ceilingNanos / s.machineNanos);
      Duration p95Wait = Duration.ofNanos(s.waits == null ? 0 : s.waits.quantile(0.95));
      Duration p95Run = Duration.ofNanos(s.runs == null ? 0 : s.runs.quantile(0.95));
      if (share >= SATURATED && s.queueNanos > 0) {
        saturated.add(new CapacityFinding.Saturated(name, role, share, p95Wait, covered));
      }
      if (s.machineNanos > 0 || s.finishedCount() > 0 || s.queueNanos > 0) {
        double meanQueue = w.coveredNanos == 0 ? 0 : (double) s.queueNanos / w.coveredNanos;
        uses.add(new CapacityUse(name, role, share, meanQueue, s.finishedCount(), p95Wait, p95Run,
            series(w.series.get(e.getKey())), waitSeries(w.waitSeries.get(e.getKey()), w.slices)));
      }
    }
    saturated.sort(Comparator.comparingDouble(f -> -((CapacityFinding.Saturated) f).ceilingShare()));
    findings.addAll(saturated);
    w.presence.entrySet().stream()
        .filter(e -> e.getValue() >= PRESENCE_FLOOR.toNanos())
        .sorted(Map.Entry.<Bucket.Presence, Long>comparingByValue().reversed())
        .forEach(e -> findings.add(new CapacityFinding.PresenceWait(MachineId.of(e.getKey().machine()),
            e.getKey().reason(), Duration.ofNanos(e.getValue()))));
    findings.addAll(idle(w));
    return new CapacityReport(window, covered, findings, uses);
  }

  /** Idle machines, idlest first, each with a machine its work fits on that is not itself suggested to go. */
  private static List<CapacityFinding> idle(History.Window w) {
    List<Map.Entry<String, MachineStats>> idle = new ArrayList<>();
    for (Map.Entry<String, MachineStats> e : new TreeMap<>(w.machines).entrySet()) {
      MachineStats m = e.getValue();
      if (w.coveredNanos > 0 && m.onlineNanos >= PRESENT * w.coveredNanos
          && m.idleNanos >= IDLE * m.onlineNanos) {
        idle.add(e);
      }
    }
    idle.sort(Comparator.comparingDouble(e -> -idleShare(e.getValue())));
    Set<String> going = new HashSet<>();
    Set<String> hosts = new HashSet<>();
    List<CapacityFinding> out = new ArrayList<>();
    for (Map.Entry<String, MachineStats> e : idle) {
      Optional<String> host = host(e.getKey(), e.getValue(), w, going);
      if (host.isPresent()) {
        going.add(e.getKey());
        hosts.add(host.get());
      } else if (hosts.contains(e.getKey())) {
        continue; // it takes another idle machine's work: it stays
      }
      out.add(new CapacityFinding.IdleMachine(MachineId.of(e.getKey()), idleShare(e.getValue()),
          host.map(MachineId::of)));
    }
    return out;
  }

  private static double idleShare(MachineStats m) {
    return m.onlineNanos == 0 ? 0 : Math.min(1, (double) m.idleNanos / m.onlineNanos);
  }

  /** The least busy other machine with all of this one's capabilities and its role, rarely at the ceiling. */
  private static Optional<String> host(String id, MachineStats m, History.Window w, Set<String> going) {
    String best = null;
    double bestShare = SATURATED;
    for (Map.Entry<String, MachineStats> e : new TreeMap<>(w.machines).entrySet()) {
      MachineStats o = e.getValue();
      if (e.getKey().equals(id) || going.contains(e.getKey()) || !o.role.equals(m.role)
          || !o.capabilities.containsAll(m.capabilities) || o.onlineNanos < PRESENT * w.coveredNanos) {
        continue;
      }
      double share = (double) o.ceilingNanos / o.onlineNanos;
      if (share < bestShare) {
        best = e.getKey();
        bestShare = share;
      }
    }
    return Optional.ofNullable(best);
  }

  private static List<Double> series(long[][] s) {
    List<Double> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    for (int i = 0; i < s[0].length; i++) {
      out.add(s[1][i] == 0 ? 0.0 : Math.min(1.0, (double) s[0][i] / s[1][i]));
    }
    return out;
  }

  private static List<Duration> waitSeries(Durations[] d, int slices) {
    List<Duration> out = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      out.add(Duration.ofNanos(d == null || d[i] == null ? 0 : d[i].quantile(0.95)));
    }
    return out;
  }
}
