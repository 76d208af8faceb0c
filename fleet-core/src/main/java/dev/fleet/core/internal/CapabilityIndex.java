package dev.fleet.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the machines that have a set of capabilities without scanning the fleet: one
 * {@link LoadIndex} per capability set a task has asked for, each kept current as machines join,
 * change and leave.
 *
 * <p>Sets are created on first use from the smallest single-capability index, so a fleet pays only
 * for the combinations its tasks actually need. Guarded by the fleet's lock.
 */
final class CapabilityIndex {
  /**
   * Every machine, for tasks that require nothing; null until such a task comes, since every index a
   * machine belongs to is one more to update on each of its heartbeats.
   */
  private LoadIndex everyMachine;
  /** The fleet's machines, a live view in registration order, to build {@link #everyMachine} from. */
  private final Collection<MachineSlot> allMachines;
  private final Map<String, LoadIndex> single = new HashMap<>();
  /** Every index of two or more capabilities, by its set. */
  private final Map<Set<String>, LoadIndex> combined = new HashMap<>();
  /** Receives the one element of a one-capability set; see {@link #forSet}. */
  private final String[] onlyOne = new String[1];
  /** Every machine's number, by which the indexes find it from its rank. */
  private final SlotTable table = new SlotTable();

  CapabilityIndex(Collection<MachineSlot> allMachines) {
    this.allMachines = allMachines;
  }

  /** The index for exactly this set, created if needed. */
  LoadIndex forSet(Set<String> capabilities) {
    int n = capabilities.size();
    if (n == 0) {
      if (everyMachine == null) {
        everyMachine = new LoadIndex(Set.of(), table);
        for (MachineSlot m : allMachines) {
          everyMachine.add(m);
        }
      }
      return everyMachine;
    }
    if (n == 1) {
      // toArray into a reused array reads a task's set without the iterator that iterator() allocates on
      // every dispatch decision.
      String c = capabilities.toArray(onlyOne)[0];
      LoadIndex one = single.get(c);
      if (one == null) {
        // Not computeIfAbsent: its lambda would capture this index's table, an allocation on every decision.
        one = new LoadIndex(Set.of(c), table);
        single.put(c, one);
      }
      return one;
    }
    LoadIndex index = combined.get(capabilities);
    if (index == null) {
      index = new LoadIndex(Set.copyOf(capabilities), table);
      for (MachineSlot m : candidatesFor(index.capabilities)) {
        if (m.machine.capabilities().containsAll(index.capabilities)) {
          index.add(m);
        }
      }
      combined.put(index.capabilities, index);
    }
    return index;
  }

  /** How many machines have the capability; 0 if none ever had. */
  int count(String capability) {
    LoadIndex i = single.get(capability);
    return i == null ? 0 : i.size();
  }

  private Collection<MachineSlot> candidatesFor(Set<String> capabilities) {
    LoadIndex smallest = null;
    for (String c : capabilities) {
      LoadIndex i = single.get(c);
      if (i == null) {
        return List.of();
      }
      if (smallest == null || i.size() < smallest.size()) {
        smallest = i;
      }
    }
    List<MachineSlot> out = new ArrayList<>(smallest.size());
    for (int i = 0; i < smallest.size(); i++) {
      out.add(smallest.leaf(i));
    }
    return out;
  }

  /** Adds a machine to every index whose set it has; a machine new to the fleet gets its number first. */
  void add(MachineSlot m) {
    if (m.seq < 0) {
      table.assign(m);
    }
    if (everyMachine != null) {
      everyMachine.add(m);
    }
    Set<String> caps = m.machine.capabilities();
    for (String c : caps) {
      single.computeIfAbsent(c, k -> new LoadIndex(Set.of(k), table)).add(m);
    }
    if (caps.size() >= 2) {
      for (LoadIndex combo : combined.values()) {
        if (caps.containsAll(combo.capabilities)) {
          combo.add(m);
        }
      }
    }
  }

  /** Takes a machine out of every index; it keeps its number, to come back with its capabilities changed. */
  void remove(MachineSlot m) {
    m.leaveAll();
  }

  /** Takes a machine that leaves the fleet out of every index and frees its number. */
  void forget(MachineSlot m) {
    m.leaveAll();
    table.release(m);
  }

  /** Records every index that has tasks waiting, for a full re-evaluation of the queue. */
  void recordQueued(Openings openings) {
    if (everyMachine != null && everyMachine.hasQueuedTasks()) {
      openings.queueGrew(everyMachine);
    }
    for (LoadIndex i : single.values()) {
      if (i.hasQueuedTasks()) {
        openings.queueGrew(i);
      }
    }
    for (LoadIndex i : combined.values()) {
      if (i.hasQueuedTasks()) {
        openings.queueGrew(i);
      }
    }
  }

  /** Hands every capability set that has had a queue, with its queue, to {@code each}: for metrics. */
  void forEachQueue(java.util.function.BiConsumer<Set<String>, TaskQueue> each) {
    if (everyMachine != null && everyMachine.queue != null) {
      each.accept(Set.of(), everyMachine.queue);
    }
    single.forEach((capability, index) -> {
      if (index.queue != null) {
        each.accept(Set.of(capability), index.queue);
      }
    });
    combined.forEach((set, index) -> {
      if (index.queue != null) {
        each.accept(set, index.queue);
      }
    });
  }
}
