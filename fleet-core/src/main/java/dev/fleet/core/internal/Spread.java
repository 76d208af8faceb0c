package dev.fleet.core.internal;

import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.PlacementStrategy;

/**
 * Spreads work by count: the machine running the fewest of Fleet's tasks wins, then the least loaded,
 * then the first registered. Scans the candidates; keeps no cursor, so it is deterministic.
 *
 * <p>Stateless and thread-safe.
 */
public final class Spread implements PlacementStrategy {
  public static final Spread INSTANCE = new Spread();

  private Spread() {}

  @Override
  public String name() {
    return "spread";
  }

  @Override
  public double score(Task task, Candidate candidate) {
    // Load is below 10 by the ceiling's own bound, so it only breaks ties between equal task counts.
    return candidate.activeTasks() * 16.0 + candidate.load();
  }

  @Override
  public String describe() {
    return "the one running the fewest tasks wins, then the least loaded, then the machine registered first"
        + " (strategy 'spread')";
  }
}
