package dev.fleet.core.internal;

import java.util.Arrays;
import java.util.Set;

/**
 * The machines that have every capability in one set, kept in a tournament tree so the least-loaded
 * online one is at the root: O(1) to ask, O(log n) to update, no allocation once grown.
 *
 * <p>Its leaves double as the random-access bucket a {@link dev.fleet.spi.Candidates} view exposes.
 * The queue of tasks that require exactly this set hangs off it, so a change to a machine finds the
 * waiting work it could unblock through the machine's memberships. Guarded by the fleet's lock.
 */
final class LoadIndex {
  final Set<String> capabilities;
  /** Tasks waiting for a machine of this set; created on first use. */
  TaskQueue queue;
  private MachineSlot[] leaves;
  /** nodes[1] is the root; nodes[capacity + i] is leaf i; each inner node holds its subtree's best. */
  private MachineSlot[] nodes;
  private int size;

  LoadIndex(Set<String> capabilities) {
    this.capabilities = capabilities;
    this.leaves = new MachineSlot[4];
    this.nodes = new MachineSlot[8];
  }

  int size() {
    return size;
  }

  MachineSlot leaf(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("candidate index " + i + " is outside [0, " + size + ")");
    }
    return leaves[i];
  }

  /** The online machine with the lowest load, ties to the earliest registered; null if none is online. */
  MachineSlot best() {
    MachineSlot b = nodes[1];
    return b == null || b.key == Double.POSITIVE_INFINITY ? null : b;
  }

  /**
   * The best online machine other than {@code avoid}: the winners of the subtrees hanging off the path from
   * {@code avoid}'s leaf to the root are the only candidates, so this is O(log n).
   */
  MachineSlot bestExcluding(MachineSlot avoid) {
    MachineSlot b = nodes[1];
    if (b != avoid) {
      return best();
    }
    int pos = avoid.positionIn(this);
    MachineSlot found = null;
    for (int n = leaves.length + pos; n > 1; n >>>= 1) {
      found = better(found, nodes[n ^ 1]);
    }
    return found == null || found.key == Double.POSITIVE_INFINITY ? null : found;
  }

  void add(MachineSlot slot) {
    if (size == leaves.length) {
      grow();
    }
    int pos = size++;
    leaves[pos] = slot;
    slot.join(this, pos);
    fix(pos);
  }

  void remove(MachineSlot slot, int pos) {
    int last = --size;
    if (pos != last) {
      MachineSlot moved = leaves[last];
      leaves[pos] = moved;
      moved.moved(this, pos);
      nodes[leaves.length + pos] = moved;
    }
    leaves[last] = null;
    nodes[leaves.length + last] = null;
    fixPath(last);
    if (pos != last) {
      fix(pos);
    }
  }

  /** Re-ranks the leaf at {@code pos} after its machine's key changed. */
  void fix(int pos) {
    nodes[leaves.length + pos] = leaves[pos];
    fixPath(pos);
  }

  private void fixPath(int pos) {
    for (int n = (leaves.length + pos) >>> 1; n >= 1; n >>>= 1) {
      nodes[n] = better(nodes[2 * n], nodes[2 * n + 1]);
    }
  }

  static MachineSlot better(MachineSlot a, MachineSlot b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    if (a.key < b.key) {
      return a;
    }
    if (b.key < a.key) {
      return b;
    }
    return a.registrationOrder <= b.registrationOrder ? a : b;
  }

  private void grow() {
    int cap = leaves.length * 2;
    leaves = Arrays.copyOf(leaves, cap);
    nodes = new MachineSlot[2 * cap];
    for (int i = 0; i < size; i++) {
      nodes[cap + i] = leaves[i];
    }
    for (int n = cap - 1; n >= 1; n--) {
      nodes[n] = better(nodes[2 * n], nodes[2 * n + 1]);
    }
  }

  boolean hasQueuedTasks() {
    return queue != null && !queue.isEmpty();
  }

  @Override
  public String toString() {
    return "LoadIndex" + capabilities + "[" + size + "]";
  }
}
