package dev.fleet.core.internal.capacity;

import dev.fleet.Reason;
import java.util.HashMap;
import java.util.Map;

/**
 * One fixed slice of time in a {@link History}: per capability and role, per machine, and per presence wait,
 * each map capped so a bucket's size is bounded whatever the traffic (what does not fit is counted, not kept).
 *
 * <p>Not thread-safe; its {@link History} guards it.
 */
final class Bucket {
  /** A presence wait's key: the machine work waited for, and why. */
  record Presence(String machine, Reason reason) {}

  /** Which bucket of the history's timeline this is, from 0; {@link Long#MIN_VALUE} while unused. */
  long number = Long.MIN_VALUE;
  /** The sampled time this bucket covers. */
  long coveredNanos;
  final Map<String, KeyStats> keys = new HashMap<>();
  final Map<String, MachineStats> machines = new HashMap<>();
  final Map<Presence, Long> presence = new HashMap<>();
  /** Entries refused because a map was full. */
  long dropped;

  void reset(long number) {
    this.number = number;
    coveredNanos = 0;
    keys.clear();
    machines.clear();
    presence.clear();
    dropped = 0;
  }

  KeyStats key(String key, int max) {
    KeyStats s = keys.get(key);
    if (s == null) {
      if (keys.size() >= max) {
        dropped++;
        return null;
      }
      s = new KeyStats();
      keys.put(key, s);
    }
    return s;
  }

  MachineStats machine(String id, int max) {
    MachineStats s = machines.get(id);
    if (s == null) {
      if (machines.size() >= max) {
        dropped++;
        return null;
      }
      s = new MachineStats();
      machines.put(id, s);
    }
    return s;
  }

  void presence(Presence p, long nanos, int max) {
    if (!presence.containsKey(p) && presence.size() >= max) {
      dropped++;
      return;
    }
    presence.merge(p, nanos, Long::sum);
  }

  int entries() {
    return keys.size() + machines.size() + presence.size();
  }
}
