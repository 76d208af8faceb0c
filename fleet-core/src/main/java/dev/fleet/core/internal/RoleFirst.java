package dev.fleet.core.internal;

import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.Candidates;
import dev.fleet.spi.PlacementStrategy;

/**
 * Machines of the task's preferred role first, the seed's rule within each tier. Fleet applies role tiers
 * (role, then backup, then anyone) around every strategy; this one also breaks ties between equally
 * loaded machines in favour of the task's role, and names the behaviour for configurations that want
 * to say so.
 *
 * <p>Stateless and thread-safe.
 */
public final class RoleFirst implements PlacementStrategy {
  public static final RoleFirst INSTANCE = new RoleFirst();

  private RoleFirst() {}

  @Override
  public String name() {
    return "role-first";
  }

  @Override
  public Candidate select(Task task, Candidates candidates) {
    if (task.role().isEmpty()) {
      return candidates.leastLoaded();
    }
    return candidates.lowestScore(this);
  }

  @Override
  public double score(Task task, Candidate candidate) {
    boolean ofRole = task.role().map(r -> r.equals(candidate.machine().role())).orElse(false);
    // Half a millionth: below the resolution loads are compared at, so it only ever breaks exact ties.
    return candidate.load() + (ofRole ? 0 : 5e-7);
  }

  @Override
  public String describe() {
    return "machines of the task's preferred role come first and the least-loaded of them wins; ties go to the"
        + " machine registered first (strategy 'role-first')";
  }
}
