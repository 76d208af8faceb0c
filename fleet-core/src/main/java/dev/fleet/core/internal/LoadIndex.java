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
  /**
   * The tournament tree: nodes[1] is the root, nodes[capacity + i] is leaf i (the i-th member), and each
   * inner node holds the best of its subtree.
   */
  private MachineSlot[] nodes;
  /**
   * {@code approx[n]} is the key of {@code nodes[n]} rounded to a float (+infinity for an empty node), so
   * a re-rank compares within this compact array instead of loading each sibling machine from the heap.
   * Rounding is monotonic, so {@code approx[a] < approx[b]} implies key a < key b; only equal
   * approximations fall back to the exact keys and the tie-break.
   */
  private float[] approx;
  /** How many leaves the tree has room for: a power of two, half of {@code nodes.length}. */
  private int capacity;
  private int size;

  LoadIndex(Set<String> capabilities) {
    this.capabilities = capabilities;
    this.capacity = 4;
    this.nodes = new MachineSlot[2 * capacity];
    this.approx = new float[2 * capacity];
    Arrays.fill(approx, Float.POSITIVE_INFINITY);
  }

  int size() {
    return size;
  }

  MachineSlot leaf(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("candidate index " + i + " is outside [0, " + size + ")");
    }
    return nodes[capacity + i];
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
    for (int n = capacity + pos; n > 1; n >>>= 1) {
      found = better(found, nodes[n ^ 1]);
    }
    return found == null || found.key == Double.POSITIVE_INFINITY ? null : found;
  }

  void add(MachineSlot slot) {
    if (size == capacity) {
      grow();
    }
    int pos = size++;
    slot.join(this, pos);
    put(pos, slot);
  }

  void remove(MachineSlot slot, int pos) {
    int last = --size;
    MachineSlot moved = nodes[capacity + last];
    put(last, null);
    if (pos != last) {
      moved.moved(this, pos);
      put(pos, moved);
    }
  }

  /** Puts {@code slot} (or null) at leaf {@code pos} and re-ranks its path to the root. */
  private void put(int pos, MachineSlot slot) {
    int n = capacity + pos;
    nodes[n] = slot;
    approx[n] = approx(slot);
    for (n >>>= 1; n >= 1; n >>>= 1) {
      settle(nodes, approx, n);
    }
  }

  private static void settle(MachineSlot[] nodes, float[] approx, int n) {
    MachineSlot w = better(nodes[2 * n], nodes[2 * n + 1]);
    nodes[n] = w;
    approx[n] = approx(w);
  }

  private static float approx(MachineSlot slot) {
    return slot == null ? Float.POSITIVE_INFINITY : (float) slot.key;
  }

  /**
   * Re-ranks the leaf at {@code pos}, which holds {@code slot}, after the machine's key changed. Climbs only
   * while something changes: once a node's winner is another machine both before and after, nothing above
   * it can change, so a typical load update touches a few nodes rather than the whole path to the root.
   */
  void rekeyed(MachineSlot slot, int pos) {
    MachineSlot[] t = nodes;
    float[] k = approx;
    int child = capacity + pos;
    MachineSlot winner = slot; // what the child we climb from now holds
    float wk = (float) slot.key;
    k[child] = wk;
    for (int n = child >>> 1; n >= 1; child = n, n >>>= 1) {
      int sib = child ^ 1;
      float sk = k[sib];
      MachineSlot after;
      if (wk < sk) {
        after = winner;
      } else if (sk < wk) {
        after = t[sib];
        wk = sk;
      } else {
        after = (child & 1) == 0 ? better(winner, t[sib]) : better(t[sib], winner);
      }
      if (after != slot && after == t[n]) {
        return;
      }
      t[n] = after;
      k[n] = wk;
      winner = after;
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
    int cap = capacity * 2;
    MachineSlot[] grown = new MachineSlot[2 * cap];
    float[] grownApprox = new float[2 * cap];
    Arrays.fill(grownApprox, Float.POSITIVE_INFINITY);
    System.arraycopy(nodes, capacity, grown, cap, size);
    System.arraycopy(approx, capacity, grownApprox, cap, size);
    for (int n = cap - 1; n >= 1; n--) {
      settle(grown, grownApprox, n);
    }
    nodes = grown;
    approx = grownApprox;
    capacity = cap;
  }

  boolean hasQueuedTasks() {
    return queue != null && !queue.isEmpty();
  }

  @Override
  public String toString() {
    return "LoadIndex" + capabilities + "[" + size + "]";
  }
}
