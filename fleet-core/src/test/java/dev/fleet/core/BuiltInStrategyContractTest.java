package dev.fleet.core;

import dev.fleet.spi.PlacementStrategy;
import dev.fleet.testing.contract.PlacementStrategyContract;

/** Every built-in strategy keeps the rules third-party strategies are held to. */
class LeastLoadedContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.leastLoaded();
  }
}

class BinPackContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.binPack();
  }
}

class SpreadContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.spread();
  }
}

class PowerOfTwoContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.powerOfTwo();
  }
}

class RoleFirstContractTest extends PlacementStrategyContract {
  @Override
  protected PlacementStrategy strategy() {
    return Strategies.roleFirst();
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
    org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class, () -> {
      var m = PlacementStrategyContract.class.getDeclaredMethod("neverChoosesAnIneligibleCandidate");
      m.setAccessible(true);
      try {
        m.invoke(rogue);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }
}
