package dev.fleet.core.internal;

import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.Candidates;
import dev.fleet.spi.PlacementStrategy;

/**
 * The seed's rule: the least-loaded eligible machine wins, ties to the machine registered first.
 * Answered from the load index in O(1), without scanning.
 *
 * <p>Stateless and thread-safe.
 */
public final class LeastLoaded implements PlacementStrategy {
  public static final LeastLoaded INSTANCE = new LeastLoaded();

  private LeastLoaded() {}

  @Override
  public String name() {
    return "least-loaded";
  }

  @Override
  public Candidate select(Task task, Candidates candidates) {
    return candidates.leastLoaded();
  }

  @Override
  public String describe() {
    return "the least-loaded of them wins; ties go to the machine registered first (strategy 'least-loaded')";
  }
}
