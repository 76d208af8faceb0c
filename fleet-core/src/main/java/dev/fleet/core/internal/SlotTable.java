package dev.fleet.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Numbers machines densely in registration order, so a {@link LoadIndex} can keep a machine's rank
 * (its key and its number) in one {@code long} and find the machine again from the number alone.
 *
 * <p>Numbers of machines that left are reused only through a compaction, which renumbers the machines
 * still here in the same order and has every index re-rank: order is what breaks ties, so it must never
 * change. Guarded by the fleet's lock.
 */
final class SlotTable {
  private MachineSlot[] bySeq = new MachineSlot[16];
  private int next;
  private int live;
  private final List<LoadIndex> indexes = new ArrayList<>();

  /** Gives {@code slot} the next number: it was registered after every machine numbered so far. */
  void assign(MachineSlot slot) {
    if (slot.seq >= 0) {
      throw new IllegalStateException(slot.id() + " already has number " + slot.seq);
    }
    if (next == bySeq.length) {
      if (live <= bySeq.length / 2) {
        compact();
      } else {
        bySeq = Arrays.copyOf(bySeq, bySeq.length * 2);
      }
    }
    bySeq[next] = slot;
    slot.renumber(next++);
    live++;
  }

  /** Frees {@code slot}'s number; it must already have left every index. */
  void release(MachineSlot slot) {
    if (slot.seq >= 0 && bySeq[slot.seq] == slot) {
      bySeq[slot.seq] = null;
      slot.renumber(-1);
      live--;
    }
  }

  MachineSlot get(int seq) {
    return bySeq[seq];
  }

  int live() {
    return live;
  }

  /** An index to re-rank when the numbers change. */
  void track(LoadIndex index) {
    indexes.add(index);
  }

  private void compact() {
    int n = 0;
    for (int i = 0; i < next; i++) {
      MachineSlot s = bySeq[i];
      if (s != null) {
        bySeq[i] = null;
        bySeq[n] = s;
        s.renumber(n++);
      }
    }
    next = n;
    for (LoadIndex index : indexes) {
      index.rerankAll();
    }
  }
}
