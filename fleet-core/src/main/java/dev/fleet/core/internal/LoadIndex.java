package dev.fleet.core.internal;

import java.util.Arrays;
import java.util.Set;

/**
 * The machines that have every capability in one set, kept in a tournament tree so the least-loaded
 * online one is at the root: O(1) to ask, O(log n) to update, no allocation once grown.
 *
 * <p>Every node is one {@code long}, a machine's {@linkplain MachineSlot#rank rank}: its key in millionths
 * above its registration number. Comparing two ranks compares load and breaks ties to the earlier
 * machine in one instruction, without loading either machine, so a re-rank touches one array.
 *
 * <p>Load changes are coalesced: a heartbeat only marks the machine's leaf stale (once, however many
 * heartbeats arrive), and the tree is brought up to date when it is next asked for its best machine. A
 * fleet flooded with heartbeats and asked for few decisions does not re-rank on every heartbeat, and a
 * decision pays only for the indexes it reads.
 *
 * <p>Its leaves double as the random-access bucket a {@link dev.fleet.spi.Candidates} view exposes.
 * The queue of tasks that require exactly this set hangs off it, so a change to a machine finds the
 * waiting work it could unblock through the machine's memberships. Guarded by the fleet's lock.
 */
final class LoadIndex {
  /** The rank of an empty leaf: above every machine's. */
  static final long EMPTY = Long.MAX_VALUE;

  final Set<String> capabilities;
  /** Tasks waiting for a machine of this set; created on first use. */
  TaskQueue queue;
  /** Recorded in the fleet's {@link Openings} since the queue was last matched; written only by them. */
  boolean opening;
  private final SlotTable table;
  /** The tree: tree[1] is the root, tree[capacity + i] is leaf i, each inner node the least of its children. */
  private long[] tree;
  /** The machine at each leaf, in the order the candidates view shows them. */
  private MachineSlot[] leaves;
  /** How many leaves the tree has room for: a power of two. */
  private int capacity;
  private int size;
  /**
   * Machines whose rank changed since the tree last saw it, each once, with their leaf and which of their
   * memberships this index is ({@code pos << 5 | membership}): a refresh then touches the machine (just
   * written by the heartbeat, likely still cached) but not the leaves array.
   */
  private MachineSlot[] staleSlots = new MachineSlot[8];
  private int[] stale = new int[8];
  private int staleCount;

  LoadIndex(Set<String> capabilities, SlotTable table) {
    this.capabilities = capabilities;
    this.table = table;
    this.capacity = 4;
    this.tree = new long[2 * capacity];
    Arrays.fill(tree, EMPTY);
    this.leaves = new MachineSlot[capacity];
    table.track(this);
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
    refresh();
    return online(tree[1]);
  }

  /**
   * The best online machine other than {@code avoid}: the winners of the subtrees hanging off the path from
   * {@code avoid}'s leaf to the root are the only candidates, so this is O(log n).
   */
  MachineSlot bestExcluding(MachineSlot avoid) {
    refresh();
    long root = tree[1];
    // Ranks are unique among members: only avoid itself has its rank. A machine that left is no member, and
    // one that left while offline has the rank of an empty leaf, so it must not be looked for in the tree.
    if (root != avoid.rank || root == EMPTY || !avoid.memberOf(this)) {
      return online(root);
    }
    long found = EMPTY;
    for (int n = capacity + avoid.positionIn(this); n > 1; n >>>= 1) {
      found = Math.min(found, tree[n ^ 1]);
    }
    return online(found);
  }

  /**
   * The best online machine below {@code ceiling} that passes {@code test}: leaves are visited in rank order
   * (best first, over a heap of tree nodes), so the cost is the number of better machines {@code test}
   * rejects, not the size of the index; subtrees whose best is at or over the ceiling are never opened.
   */
  MachineSlot bestMatching(java.util.function.Predicate<MachineSlot> test, double ceiling) {
    refresh();
    int[] h = heap;
    int n = 0;
    h[n++] = 1;
    while (n > 0) {
      int node = h[0];
      // Pop the node of least rank: move the last into the root and sift it down.
      int last = h[--n];
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= n) {
          break;
        }
        if (c + 1 < n && tree[h[c + 1]] < tree[h[c]]) {
          c++;
        }
        if (tree[h[c]] >= tree[last]) {
          break;
        }
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
      long rank = tree[node];
      if (rank == EMPTY || MachineSlot.offline(rank) || (rank >>> 32) / 1e6 >= ceiling) {
        break; // everything still in the heap ranks after this node
      }
      if (node >= capacity) {
        MachineSlot slot = leaves[node - capacity];
        if (test.test(slot)) {
          return slot;
        }
        continue;
      }
      if (n + 2 > h.length) {
        h = heap = Arrays.copyOf(h, h.length * 2);
      }
      n = push(h, n, 2 * node);
      n = push(h, n, 2 * node + 1);
    }
    return null;
  }

  /** Heap of tree nodes by rank, reused across placements. */
  private int[] heap = new int[64];

  private int push(int[] h, int n, int node) {
    int i = n;
    long r = tree[node];
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (tree[h[p]] <= r) {
        break;
      }
      h[i] = h[p];
      i = p;
    }
    h[i] = node;
    return n + 1;
  }

  private MachineSlot online(long rank) {
    return rank == EMPTY || MachineSlot.offline(rank) ? null : table.get(MachineSlot.seqOf(rank));
  }

  void add(MachineSlot slot) {
    refresh();
    if (size == capacity) {
      grow();
    }
    int pos = size++;
    slot.join(this, pos);
    leaves[pos] = slot;
    set(capacity + pos, slot.rank);
  }

  void remove(MachineSlot slot, int pos) {
    refresh();
    int last = --size;
    MachineSlot moved = leaves[last];
    leaves[last] = null;
    set(capacity + last, EMPTY);
    if (pos != last) {
      moved.moved(this, pos);
      leaves[pos] = moved;
      set(capacity + pos, moved.rank);
    }
  }

  /**
   * {@code slot}, at leaf {@code pos} and with this index as its membership number {@code membership} (below
   * 32), changed rank; the tree learns of it when next read.
   */
  void stale(MachineSlot slot, int pos, int membership) {
    if (staleCount == stale.length) {
      stale = Arrays.copyOf(stale, staleCount * 2);
      staleSlots = Arrays.copyOf(staleSlots, staleCount * 2);
    }
    staleSlots[staleCount] = slot;
    stale[staleCount++] = pos << 5 | membership;
  }

  /** Re-ranks leaf {@code pos} at once, for a machine whose changes cannot be coalesced. */
  void rerank(int pos) {
    set(capacity + pos, leaves[pos].rank);
  }

  /** Brings every stale leaf's rank into the tree. */
  private void refresh() {
    int n = staleCount;
    if (n == 0) {
      return;
    }
    if (n > capacity >>> 3) {
      // So many that one bottom-up pass over the whole tree is cheaper than climbing from each.
      rerankAll();
      return;
    }
    staleCount = 0;
    int[] s = stale;
    MachineSlot[] slots = staleSlots;
    for (int i = 0; i < n; i++) {
      MachineSlot slot = slots[i];
      slots[i] = null;
      slot.fresh(s[i] & 31);
      set(capacity + (s[i] >>> 5), slot.rank);
    }
  }

  /**
   * Writes a leaf and climbs only while something changes: ranks are unique, so once a node's least child
   * is what it already holds, nothing above it can change either.
   */
  private void set(int leaf, long rank) {
    long[] t = tree;
    t[leaf] = rank;
    for (int n = leaf >>> 1; n >= 1; n >>>= 1) {
      long w = Math.min(t[2 * n], t[2 * n + 1]);
      if (t[n] == w) {
        return;
      }
      t[n] = w;
    }
  }

  /** Re-reads every leaf's rank and rebuilds the tree bottom-up: after renumbering, or many stale leaves. */
  void rerankAll() {
    for (int i = 0; i < staleCount; i++) {
      staleSlots[i].fresh(stale[i] & 31);
      staleSlots[i] = null;
    }
    staleCount = 0;
    long[] t = tree;
    for (int i = 0; i < size; i++) {
      t[capacity + i] = leaves[i].rank;
    }
    for (int n = capacity - 1; n >= 1; n--) {
      t[n] = Math.min(t[2 * n], t[2 * n + 1]);
    }
  }

  private void grow() {
    int cap = capacity * 2;
    long[] grown = new long[2 * cap];
    Arrays.fill(grown, EMPTY);
    System.arraycopy(tree, capacity, grown, cap, size);
    for (int n = cap - 1; n >= 1; n--) {
      grown[n] = Math.min(grown[2 * n], grown[2 * n + 1]);
    }
    tree = grown;
    leaves = Arrays.copyOf(leaves, cap);
    capacity = cap;
  }

  /** The queue, made now if this set had none yet. */
  TaskQueue queueMade() {
    if (queue == null) {
      queue = new TaskQueue();
    }
    return queue;
  }

  boolean hasQueuedTasks() {
    return queue != null && !queue.isEmpty();
  }

  @Override
  public String toString() {
    return "LoadIndex" + capabilities + "[" + size + "]";
  }
}
