package dev.fleet.it.consumer;

import dev.fleet.spi.PlacementStrategy;
import dev.fleet.testing.contract.PlacementStrategyContract;

/** The strategy against fleet-testing's contract kit. */
class FewestTasksContractTest extends PlacementStrategyContract {

  @Override
  protected PlacementStrategy strategy() {
    return new FewestTasks();
  }
}
