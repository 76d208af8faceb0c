package dev.fleet.testing.contract;

import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.PlacementStrategy;

/**
 * A correct strategy that declines most machines passes the kit with no overrides: the kit's default
 * expectations hold for every correct strategy, not only greedy ones. The strategy and this class are the
 * example in docs/writing-a-strategy.md; edit both together.
 */
class DecliningStrategyContractTest extends PlacementStrategyContract {

  /** Takes only machines of role {@code primary}, the least loaded first; declines every other machine. */
  public static final class PrimaryOnly implements PlacementStrategy {
    @Override
    public String name() {
      return "primary-only";
    }

    @Override
    public String decline(Task task, Candidate candidate) {
      return candidate.machine().role().equals("primary") ? null : "not a primary machine";
    }
  }

  static final PlacementStrategy PRIMARY_ONLY = new PrimaryOnly();

  @Override
  protected PlacementStrategy strategy() {
    return new PrimaryOnly();
  }
}
