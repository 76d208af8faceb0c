package dev.fleet.core.internal;

import dev.fleet.Health;
import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.Candidates;
import java.util.function.Predicate;

/**
 * The {@link Candidates} handed to a strategy: one reusable view re-aimed at each placement, so a
 * decision allocates nothing for it.
 *
 * <p>A placement may narrow the view to a tier (machines of the task's role, its backups, anything but
 * the machine that just lost it); the index still answers "least loaded but one" in O(log n), and other
 * tiers scan. Guarded by the fleet's lock; valid only during one placement.
 */
final class CandidateView implements Candidates {
  private Task task;
  private LoadIndex index;
  private double ceiling;
  private MachineSlot avoid;
  private Predicate<MachineSlot> only;
  /** What {@link #leastLoaded} last answered from the index for this placement: eligible by construction. */
  private MachineSlot vouched;
  /** {@link #eligible}, made once so a placement through a tier allocates no predicate for it. */
  private final Predicate<MachineSlot> eligibleSlot = this::eligible;

  CandidateView aim(Task task, LoadIndex index, double ceiling, MachineSlot avoid, Predicate<MachineSlot> only) {
    this.task = task;
    this.index = index;
    this.ceiling = ceiling;
    this.avoid = avoid;
    this.only = only;
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
        && s.placementLoad() < ceiling
        && !s.full()
        && s != avoid
        && (only == null || only.test(s))
        && s.memberOf(index);
  }

  @Override
  public Candidate leastLoaded() {
    if (only == null) {
      MachineSlot best = avoid == null ? index.best() : index.bestExcluding(avoid);
      vouched = best != null && best.key < ceiling ? best : null;
      return vouched;
    }
    vouched = index.bestMatching(eligibleSlot, ceiling);
    return vouched;
  }
}
