package dev.fleet.testing.contract;

import dev.fleet.spi.PlacementStrategy;

/**
 * A correct strategy that declines most machines passes the kit with no overrides: the kit's default
 * expectations hold for every correct strategy, not only greedy ones.
 */
class DecliningStrategyContractTest extends PlacementStrategyContract {

  /** Takes only machines of role {@code primary}, the least loaded first; declines every other machine. */
  static final PlacementStrategy PRIMARY_ONLY = PlacementStrategy.of("primary-only",
      (task, c) -> c.machine().role().equals("primary") ? null : "not a primary machine",
      (task, c) -> c.load());

  @Override
  protected PlacementStrategy strategy() {
    return PRIMARY_ONLY;
  }
}
