package dev.fleet.core.internal;

import java.util.Arrays;

/**
 * What an operation recorded for the matcher: the capability sets where a waiting task may fit since the
 * queue was last matched, because their queue gained work or one of their machines may have room, or that
 * the rules of fit changed for everyone.
 *
 * <p>Operations only record here; the matcher reads it once, at the end of the operation, and clears it. An
 * index is recorded at most once (its {@link LoadIndex#opening} flag), into an array reused from one
 * operation to the next, so recording allocates nothing. Guarded by the fleet's lock.
 */
final class Openings {
  private LoadIndex[] recorded = new LoadIndex[8];
  private int count;
  private boolean everywhere;

  /** Tasks were put in {@code index}'s queue and have not been tried since. */
  void queueGrew(LoadIndex index) {
    if (!index.opening) {
      index.opening = true;
      if (count == recorded.length) {
        recorded = Arrays.copyOf(recorded, count * 2);
      }
      recorded[count++] = index;
    }
  }

  /** {@code slot} may take more work now (less load, back online, new capabilities): its sets with waiting work. */
  void roomOn(MachineSlot slot) {
    for (int i = 0; i < slot.membershipCount(); i++) {
      LoadIndex index = slot.membership(i);
      if (index.hasQueuedTasks()) {
        queueGrew(index);
      }
    }
  }

  /** Something that bears on every placement changed (a role, a move of many tasks): every set is to be tried. */
  void everywhere() {
    everywhere = true;
  }

  boolean isEverywhere() {
    return everywhere;
  }

  boolean isEmpty() {
    return count == 0 && !everywhere;
  }

  int size() {
    return count;
  }

  LoadIndex get(int i) {
    return recorded[i];
  }

  /** Forgets everything recorded: the queue has been matched. */
  void clear() {
    for (int i = 0; i < count; i++) {
      recorded[i].opening = false;
      recorded[i] = null;
    }
    count = 0;
    everywhere = false;
  }
}
