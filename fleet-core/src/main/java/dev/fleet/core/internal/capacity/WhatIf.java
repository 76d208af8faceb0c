package dev.fleet.core.internal.capacity;

import dev.fleet.CapacityWhatIf;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers a what-if: replays the recorded tasks on the machines of now and on the proposed ones ({@link Replay})
 * and compares each capability's p95 wait.
 *
 * <p>Stateless and thread-safe; each call runs its replays on the calling thread.
 */
public final class WhatIf {
  private WhatIf() {}

  /**
   * @param machines the machines registered now
   * @param add the machines to add
   * @param remove the machines to take away; each registered
   * @param arrivals the recorded tasks, in order of arrival
   * @param fleets builds each replay's fleet, with the live fleet's ceilings
   */
  public static CapacityWhatIf compare(Duration window, List<Machine> machines, List<Machine> add,
      List<MachineId> remove, List<Arrival> arrivals, ReplayFleets fleets) {
    List<Machine> proposed = new ArrayList<>();
    for (Machine m : machines) {
      if (!remove.contains(m.id())) {
        proposed.add(m);
      }
    }
    proposed.addAll(add);
    // Tasks still waiting when the window ends wait until one window later at most: long enough to tell.
    long[] before = Replay.waits(fleets, machines, arrivals, window);
    long[] after = Replay.waits(fleets, proposed, arrivals, window);
    Map<String, long[][]> byKey = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    for (Arrival a : arrivals) {
      for (String k : keys(a)) {
        counts.merge(k, 1, Integer::sum);
      }
    }
    counts.forEach((k, n) -> byKey.put(k, new long[2][n]));
    Map<String, Integer> filled = new TreeMap<>();
    for (int i = 0; i < arrivals.size(); i++) {
      for (String k : keys(arrivals.get(i))) {
        int at = filled.merge(k, 1, Integer::sum) - 1;
        byKey.get(k)[0][at] = before[i];
        byKey.get(k)[1][at] = after[i];
      }
    }
    List<CapacityWhatIf.Wait> waits = new ArrayList<>();
    byKey.forEach((k, d) -> waits.add(new CapacityWhatIf.Wait(k, d[0].length, p95(d[0]), p95(d[1]))));
    return new CapacityWhatIf(window, arrivals.size(), add, remove, waits);
  }

  private static List<String> keys(Arrival a) {
    return a.requires().isEmpty() ? List.of("*") : new ArrayList<>(new java.util.TreeSet<>(a.requires()));
  }

  /** The nearest-rank 95th percentile, to the second: replays are exact, so no histogram is needed. */
  private static Duration p95(long[] waits) {
    long[] sorted = waits.clone();
    java.util.Arrays.sort(sorted);
    return Duration.ofSeconds(Duration.ofNanos(sorted[(int) Math.ceil(0.95 * sorted.length) - 1]).getSeconds());
  }
}
