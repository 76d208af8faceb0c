package dev.fleet.testing.contract;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.Candidates;
import dev.fleet.spi.PlacementStrategy;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The kit's checks run directly: broken strategies fail them, and opt-in expectations are what they say. */
class ContractKitTest {

  @Test
  void aStrategyThatChoosesAnIneligibleMachineFails() {
    PlacementStrategyContract kit = kit(() -> select("first-any", (task, view) ->
        view.size() == 0 ? null : view.get(0)));
    AssertionError e = assertThrows(AssertionError.class, kit::neverChoosesAnIneligibleCandidate);
    assertTrue(e.getMessage().contains("first-any chose") && e.getMessage().contains("not eligible"),
        e.getMessage());
  }

  @Test
  void aStrategyThatChoosesACopyOfACandidateFails() {
    PlacementStrategyContract kit = kit(() -> select("copier", (task, view) -> {
      FakeCandidate c = (FakeCandidate) view.leastLoaded();
      return c == null ? null : new FakeCandidate(c.machine(), c.health(), c.load(), c.signals(),
          c.registrationOrder(), c.activeTasks());
    }));
    assertThrows(AssertionError.class, kit::onlyChoosesCandidatesTheViewHandedOut);
  }

  @Test
  void aStrategyThatChoosesAMachineItDeclinesFails() {
    // Declines every machine but, with its own select, takes the least loaded anyway.
    PlacementStrategyContract kit = kit(() -> new PlacementStrategy() {
      @Override
      public String name() {
        return "two-faced";
      }

      @Override
      public String decline(Task task, Candidate candidate) {
        return "never";
      }

      @Override
      public Candidate select(Task task, Candidates candidates) {
        return candidates.leastLoaded();
      }
    });
    AssertionError e = assertThrows(AssertionError.class, kit::neverChoosesACandidateItDeclines);
    assertTrue(e.getMessage().contains("which it declines: never"), e.getMessage());
  }

  @Test
  void aStrategyThatChoosesAtRandomFailsDeterminismUnlessItSaysSo() {
    Supplier<PlacementStrategy> random = () -> select("random", (task, view) -> {
      int n = view.size();
      for (int tries = 0; tries < 4 * n; tries++) {
        Candidate c = view.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(n));
        if (view.eligible(c)) {
          return c;
        }
      }
      return null;
    });
    assertThrows(AssertionError.class, kit(random)::isDeterministicForTheSameInputs);
    PlacementStrategyContract saysSo = new PlacementStrategyContract() {
      @Override
      protected PlacementStrategy strategy() {
        return random.get();
      }

      @Override
      protected boolean isDeterministic() {
        return false;
      }
    };
    assertDoesNotThrow(saysSo::isDeterministicForTheSameInputs);
    assertDoesNotThrow(saysSo::neverChoosesAnIneligibleCandidate);
  }

  @Test
  void aStrategyThatChoosesAnOfflineMachineFails() {
    PlacementStrategyContract kit = kit(() -> select("any-at-all", (task, view) ->
        view.size() == 0 ? null : view.get(view.size() - 1)));
    assertThrows(AssertionError.class, kit::returnsNothingWhenNothingIsEligible);
  }

  @Test
  void theGreedyExpectationsAreOptIn() {
    PlacementStrategyContract declining = kit(() -> DecliningStrategyContractTest.PRIMARY_ONLY);
    assertDoesNotThrow(declining::placesATaskWheneverSomethingIsEligible);
    assertDoesNotThrow(declining::placesATaskWheneverAnAcceptedCandidateIsEligible);

    PlacementStrategyContract greedyClaimed = new PlacementStrategyContract() {
      @Override
      protected PlacementStrategy strategy() {
        return DecliningStrategyContractTest.PRIMARY_ONLY;
      }

      @Override
      protected boolean placesWheneverSomethingIsEligible() {
        return true;
      }
    };
    AssertionError e = assertThrows(AssertionError.class,
        greedyClaimed::placesATaskWheneverSomethingIsEligible);
    assertTrue(e.getMessage().contains("primary-only left a task waiting"), e.getMessage());
    // It does place whenever a machine it accepts is free, which the greedy claim implies and checks too.
    assertDoesNotThrow(greedyClaimed::placesATaskWheneverAnAcceptedCandidateIsEligible);
  }

  @Test
  void aStrategyThatLeavesAcceptedWorkWaitingFailsWhenItPromisesNotTo() {
    PlacementStrategyContract lazy = new PlacementStrategyContract() {
      @Override
      protected PlacementStrategy strategy() {
        return select("lazy", (task, view) -> null);
      }

      @Override
      protected boolean placesWheneverAnAcceptedCandidateIsEligible() {
        return true;
      }
    };
    assertThrows(AssertionError.class, lazy::placesATaskWheneverAnAcceptedCandidateIsEligible);
    assertDoesNotThrow(lazy::neverChoosesAnIneligibleCandidate); // never placing is allowed by default
  }

  private static PlacementStrategyContract kit(Supplier<PlacementStrategy> strategy) {
    return new PlacementStrategyContract() {
      @Override
      protected PlacementStrategy strategy() {
        return strategy.get();
      }
    };
  }

  private static PlacementStrategy select(String name, java.util.function.BiFunction<Task, Candidates, Candidate> f) {
    return new PlacementStrategy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Candidate select(Task task, Candidates candidates) {
        return f.apply(task, candidates);
      }
    };
  }
}
