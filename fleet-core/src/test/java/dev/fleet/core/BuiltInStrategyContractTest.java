package dev.fleet.core;

import dev.fleet.spi.PlacementStrategy;
import dev.fleet.testing.contract.PlacementStrategyContract;

/** Every built-in strategy keeps the rules third-party strategies are held to, and the greedy expectation too. */
class LeastLoadedContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.leastLoaded();
  }

  @Override
  protected boolean placesWheneverSomethingIsEligible() {
    return true; // built-ins are greedy and decline nothing
  }
}

class BinPackContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.binPack();
  }

  @Override
  protected boolean placesWheneverSomethingIsEligible() {
    return true; // built-ins are greedy and decline nothing
  }
}

class SpreadContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.spread();
  }

  @Override
  protected boolean placesWheneverSomethingIsEligible() {
    return true; // built-ins are greedy and decline nothing
  }
}

class PowerOfTwoContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.powerOfTwo();
  }

  @Override
  protected boolean placesWheneverSomethingIsEligible() {
    return true; // built-ins are greedy and decline nothing
  }
}

class RoleFirstContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.roleFirst();
  }

  @Override
  protected boolean placesWheneverSomethingIsEligible() {
    return true; // built-ins are greedy and decline nothing
  }
}

/** A strategy that breaks the rules, to show the kit catches it. */
class BuiltInStrategyContractTest {
  @org.junit.jupiter.api.Test
  void theKitCatchesAStrategyThatIgnoresEligibility() {
    PlacementStrategyContract rogue = new PlacementStrategyContract() {
      @Override
      protected PlacementStrategy strategy() {
        return new PlacementStrategy() {
          @Override
          public String name() {
            return "rogue";
          }

          @Override
          public dev.fleet.spi.Candidate select(dev.fleet.Task task, dev.fleet.spi.Candidates candidates) {
            return candidates.size() == 0 ? null : candidates.get(0);
          }
        };
      }
    };
    org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class,
        rogue::neverChoosesAnIneligibleCandidate);
  }
}
