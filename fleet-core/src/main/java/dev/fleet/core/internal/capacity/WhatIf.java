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
   * @param ceilings the live fleet's load ceiling, urgent ceiling and load per task
   */
  public static CapacityWhatIf compare(Duration window, List<Machine> machines, List<Machine> add,
      List<MachineId> remove, List<Arrival> arrivals, double[] ceilings) {
    List<Machine> proposed = new ArrayList<>();
    for (Machine m : machines) {
      if (!remove.contains(m.id())) {
        proposed.add(m);
      }
    }
    proposed.addAll(add);
    // Tasks still waiting when the window ends wait until one window later at most: long enough to tell.
    long[] before = Replay.waits(machines, arrivals, ceilings[0], ceilings[1], ceilings[2], window);
    long[] after = Replay.waits(proposed, arrivals, ceilings[0], ceilings[1], ceilings[2], window);
    Map<String, Durations[]> byKey = new TreeMap<>();
    for (int i = 0; i < arrivals.size(); i++) {
      List<String> keys = arrivals.get(i).requires().isEmpty() ? List.of("*")
          : new ArrayList<>(arrivals.get(i).requires());
      for (String k : keys) {
        Durations[] d = byKey.computeIfAbsent(k, x -> new Durations[] {new Durations(), new Durations()});
        d[0].add(before[i]);
        d[1].add(after[i]);
      }
    }
    List<CapacityWhatIf.Wait> waits = new ArrayList<>();
    byKey.forEach((k, d) -> waits.add(new CapacityWhatIf.Wait(k, d[0].count(),
        Duration.ofNanos(d[0].quantile(0.95)), Duration.ofNanos(d[1].quantile(0.95)))));
    return new CapacityWhatIf(window, arrivals.size(), add, remove, waits);
  }
}
