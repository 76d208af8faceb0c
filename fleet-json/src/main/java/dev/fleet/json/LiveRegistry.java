package dev.fleet.json;

import dev.fleet.Health;
import dev.fleet.MachineStatus;
import dev.fleet.Signals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A live fleet's registry in the file's format: each machine's entry with the seed's keys, then its
 * {@code fleet} object (see {@link RegistryJson#live}).
 */
final class LiveRegistry {
  private LiveRegistry() {}

  static String write(List<MachineStatus> machines) {
    List<RegistryEntry> entries = new ArrayList<>(machines.size());
    Map<RegistryEntry, MachineStatus> byEntry = new java.util.IdentityHashMap<>();
    for (MachineStatus s : machines) {
      if (s.health() == Health.LEFT) {
        continue; // removed while the list was being taken: not in the registry any more
      }
      RegistryEntry e = new RegistryEntry(s.machine(), status(s.health()), s.lastHeartbeat(), s.load());
      entries.add(e);
      byEntry.put(e, s);
    }
    return RegistryWriter.write(entries, e -> detail(byEntry.get(e)));
  }

  /**
   * The seed's status word for a health: a machine not heard from since the coordinator restarted is shown
   * {@code suspect} (it gets no work, and a file reader knows the word); {@code fleet.health} says which.
   */
  private static Health status(Health health) {
    return health == Health.UNKNOWN ? Health.SUSPECT : health;
  }

  private static Map<String, Object> detail(MachineStatus s) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("health", s.health().word());
    d.put("effective_load", s.effectiveLoad());
    d.put("active_tasks", s.activeTasks());
    s.slotsFree().ifPresent(free -> d.put("slots_free", free));
    d.put("registration_order", s.registrationOrder());
    d.put("signals", signals(s.signals()));
    return d;
  }

  private static Map<String, Object> signals(Signals signals) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("on_battery", signals.onBattery());
    signals.batteryPercent().ifPresent(p -> d.put("battery_percent", p));
    d.put("throttled", signals.throttled());
    signals.ownerIdle().ifPresent(idle -> d.put("owner_idle_seconds", idle.toMillis() / 1000.0));
    Map<String, Double> metrics = new LinkedHashMap<>();
    signals.metrics().forEach((k, v) -> {
      if (Double.isFinite(v)) { // JSON has no NaN or infinity
        metrics.put(k, v);
      }
    });
    if (!metrics.isEmpty()) {
      d.put("metrics", metrics);
    }
    return d;
  }
}
