package dev.fleet.core.internal;

import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.Candidates;
import dev.fleet.spi.PlacementStrategy;

/**
 * Fills the busiest machine that still fits, so the others can sleep or stay cool: the highest load
 * below the ceiling wins, ties to the machine registered first. Scans the candidates.
 *
 * <p>Stateless and thread-safe.
 */
public final class BinPack implements PlacementStrategy {
  public static final BinPack INSTANCE = new BinPack();

  private BinPack() {}

  @Override
  public String name() {
    return "bin-pack";
  }

  @Override
  public double score(Task task, Candidate candidate) {
    return -candidate.load();
  }

  @Override
  public String describe() {
    return "the busiest of them wins, so the others can sleep or stay cool; ties go to the machine registered first"
        + " (strategy 'bin-pack')";
  }
}
