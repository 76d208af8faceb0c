package dev.fleet.core.internal;

import dev.fleet.Health;
import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.Candidates;

/**
 * The {@link Candidates} handed to a strategy: one reusable view re-aimed at each placement, so a
 * decision allocates nothing for it.
 *
 * <p>Guarded by the fleet's lock; valid only during one placement.
 */
final class CandidateView implements Candidates {
  private Task task;
  private LoadIndex index;
  private double ceiling;
  /** What {@link #leastLoaded} last answered for this placement: eligible by construction. */
  private MachineSlot vouched;

  CandidateView aim(Task task, LoadIndex index, double ceiling) {
    this.task = task;
    this.index = index;
    this.ceiling = ceiling;
    this.vouched = null;
    return this;
  }

  @Override
  public Task task() {
    return task;
  }

  @Override
  public double ceiling() {
    return ceiling;
  }

  @Override
  public int size() {
    return index.size();
  }

  @Override
  public Candidate get(int i) {
    return index.leaf(i);
  }

  @Override
  public boolean eligible(Candidate candidate) {
    if (candidate != null && candidate == vouched) {
      return true; // the index's own answer; nothing can change it during one placement
    }
    return candidate instanceof MachineSlot s
        && s.health == Health.ONLINE
        && s.effectiveLoad() < ceiling
        && s.memberOf(index);
  }

  @Override
  public Candidate leastLoaded() {
    MachineSlot best = index.best();
    vouched = best != null && best.key < ceiling ? best : null;
    return vouched;
  }
}
