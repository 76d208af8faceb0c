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

  CandidateView aim(Task task, LoadIndex index, double ceiling) {
    this.task = task;
    this.index = index;
    this.ceiling = ceiling;
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
    return candidate instanceof MachineSlot s
        && s.health == Health.ONLINE
        && s.effectiveLoad() < ceiling
        && s.memberOf(index);
  }

  @Override
  public Candidate leastLoaded() {
    MachineSlot best = index.best();
    return best != null && best.key < ceiling ? best : null;
  }
}
