package dev.fleet.testing.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.Signals;
import dev.fleet.Specs;
import dev.fleet.Task;
import dev.fleet.Weight;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.PlacementStrategy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The rules every {@link PlacementStrategy} must keep, as JUnit 5 tests a plugin author inherits: extend this
 * class, return your strategy from {@link #strategy()}, and run the subclass with JUnit.
 *
 * <pre>{@code
 * class GpuOnlyContractTest extends PlacementStrategyContract {
 *   @Override
 *   protected PlacementStrategy strategy() {
 *     return new GpuOnly();
 *   }
 * }
 * }</pre>
 *
 * <p>Each test draws {@link #cases()} random candidate sets ({@link #randomView}) from a fixed seed, so a failure
 * repeats. The checks that run unless you say otherwise hold for every correct strategy, including one that
 * declines machines or leaves a task waiting; a strategy is never required to place a task:
 * <ul>
 *   <li>{@link #neverChoosesAnIneligibleCandidate()}: a chosen candidate passes {@link
 *       dev.fleet.spi.Candidates#eligible}.</li>
 *   <li>{@link #onlyChoosesCandidatesTheViewHandedOut()}: a chosen candidate is one the view returned, not a copy
 *       or a candidate kept from an earlier call.</li>
 *   <li>{@link #neverChoosesACandidateItDeclines()}: a candidate the strategy's own {@link
 *       PlacementStrategy#decline} refuses is never chosen.</li>
 *   <li>{@link #hasNoSideEffectsOnTheTaskOrTheCandidates()}: selecting changes neither the task nor the view.</li>
 *   <li>{@link #returnsNothingWhenNothingIsEligible()}: among machines that are all offline it chooses none.</li>
 * </ul>
 *
 * <p>Overridable expectations, for what only some correct strategies promise:
 * <ul>
 *   <li>{@link #isDeterministic()}, {@code true} unless overridden: the same task and candidates give the same
 *       choice ({@link #isDeterministicForTheSameInputs()}). {@code Dispatcher.plan} and explanations show what a
 *       dispatch would do only if this holds; return {@code false} for a strategy that samples at random.</li>
 *   <li>{@link #placesWheneverAnAcceptedCandidateIsEligible()}, {@code false} unless overridden: the task is placed
 *       whenever some eligible candidate is not declined ({@link
 *       #placesATaskWheneverAnAcceptedCandidateIsEligible()}). True of every strategy that keeps the default
 *       {@link PlacementStrategy#select}; opt in if yours overrides {@code select} and means to keep it.</li>
 *   <li>{@link #placesWheneverSomethingIsEligible()}, {@code false} unless overridden: the task is placed whenever
 *       some candidate is eligible at all ({@link #placesATaskWheneverSomethingIsEligible()}). Only for a greedy
 *       strategy that declines nothing, such as the built-in ones; it implies the previous expectation.</li>
 * </ul>
 * A check whose expectation is off passes without looking at the strategy.
 *
 * <p>On the module path the test methods here are public, so JUnit needs nothing opened in {@code
 * dev.fleet.testing}; open your own test package to {@code org.junit.platform.commons} as for any JUnit test.
 *
 * <p>Not thread-safe: JUnit runs one test of an instance at a time, and so must any other caller.
 */
public abstract class PlacementStrategyContract {

  /** For subclasses; the kit keeps no state of its own. */
  protected PlacementStrategyContract() {}

  /**
   * The strategy under test.
   *
   * @return the strategy; may be the same instance every time, since a strategy keeps no state between calls
   */
  protected abstract PlacementStrategy strategy();

  /**
   * Whether the same task and candidates must always give the same choice; overridable expectation.
   *
   * @return {@code true} (the default) to run {@link #isDeterministicForTheSameInputs()}; {@code false} for a
   *     strategy that samples at random
   */
  protected boolean isDeterministic() {
    return true;
  }

  /**
   * Whether the strategy must place a task whenever some eligible candidate is not declined by its own {@link
   * PlacementStrategy#decline}; overridable expectation, off by default because {@link PlacementStrategy#select}
   * may return null for reasons of its own.
   *
   * @return {@code true} to run {@link #placesATaskWheneverAnAcceptedCandidateIsEligible()}; the default is
   *     {@code false}
   */
  protected boolean placesWheneverAnAcceptedCandidateIsEligible() {
    return false;
  }

  /**
   * Whether the strategy must place a task whenever some candidate is eligible at all, that is, whether it is
   * greedy and declines nothing; overridable expectation, off by default. Implies {@link
   * #placesWheneverAnAcceptedCandidateIsEligible()}.
   *
   * @return {@code true} to run {@link #placesATaskWheneverSomethingIsEligible()}; the default is {@code false}
   */
  protected boolean placesWheneverSomethingIsEligible() {
    return false;
  }

  /**
   * How many random candidate sets each check runs on.
   *
   * @return the number of cases, 500 unless overridden; lower it for a slow strategy, raise it for a rare path
   */
  protected int cases() {
    return 500;
  }

  private static final List<String> CAPABILITIES = List.of("a", "b", "c", "d");
  private static final List<String> ROLES = List.of("primary", "parallel", "cron", "interface");

  /**
   * Checks that every chosen candidate is eligible.
   *
   * @throws org.opentest4j.AssertionFailedError naming the case if the strategy chose an ineligible candidate
   */
  @Test
  public void neverChoosesAnIneligibleCandidate() {
    forEachCase((view, chosen) -> {
      if (chosen != null) {
        assertTrue(view.eligible(chosen), () -> strategy().name() + " chose " + chosen + " which is not eligible");
      }
    });
  }

  /**
   * Checks that every chosen candidate is one of the instances the view handed out.
   *
   * @throws org.opentest4j.AssertionFailedError if the strategy chose a candidate the view does not hold
   */
  @Test
  public void onlyChoosesCandidatesTheViewHandedOut() {
    forEachCase((view, chosen) -> {
      if (chosen != null) {
        assertTrue(view.all().stream().anyMatch(c -> c == chosen), () -> "chose a foreign candidate " + chosen);
      }
    });
  }

  /**
   * Checks that the strategy never chooses a candidate its own {@link PlacementStrategy#decline} refuses.
   *
   * @throws org.opentest4j.AssertionFailedError with the decline reason if it did
   */
  @Test
  public void neverChoosesACandidateItDeclines() {
    forEachCase((view, chosen) -> {
      if (chosen != null) {
        String reason = strategy().decline(view.task(), chosen);
        assertNull(reason, () -> strategy().name() + " chose " + chosen.id().value() + " which it declines: "
            + reason);
      }
    });
  }

  /**
   * Checks that two calls on equal inputs choose the same candidate, if {@link #isDeterministic()}.
   *
   * @throws org.opentest4j.AssertionFailedError naming both choices if they differ
   */
  @Test
  public void isDeterministicForTheSameInputs() {
    if (!isDeterministic()) {
      return;
    }
    forEachCase((view, chosen) -> {
      Candidate again = strategy().select(view.task(), new FakeCandidates(view.task(), view.ceiling(), view.all()));
      assertSame(chosen, again, () -> "two calls on the same inputs chose " + chosen + " and " + again);
    });
  }

  /**
   * Checks that selecting leaves the task and the candidate list as they were.
   *
   * @throws org.opentest4j.AssertionFailedError if either changed
   */
  @Test
  public void hasNoSideEffectsOnTheTaskOrTheCandidates() {
    forEachCase((view, chosen) -> {
      List<FakeCandidate> before = List.copyOf(view.all());
      Task task = view.task();
      strategy().select(task, view);
      assertEquals(before, view.all());
      assertEquals(task, view.task());
    });
  }

  /**
   * Checks that a task is placed whenever an eligible candidate is not declined, if {@link
   * #placesWheneverAnAcceptedCandidateIsEligible()} or {@link #placesWheneverSomethingIsEligible()}.
   *
   * @throws org.opentest4j.AssertionFailedError listing the accepted candidates if the task was left waiting
   */
  @Test
  public void placesATaskWheneverAnAcceptedCandidateIsEligible() {
    if (!placesWheneverAnAcceptedCandidateIsEligible() && !placesWheneverSomethingIsEligible()) {
      return;
    }
    forEachCase((view, chosen) -> {
      List<String> accepted = view.all().stream()
          .filter(c -> view.eligible(c) && strategy().decline(view.task(), c) == null)
          .map(c -> c.id().value()).toList();
      if (!accepted.isEmpty()) {
        assertNotNull(chosen, () -> strategy().name() + " left a task waiting although it accepts " + accepted
            + ", which are eligible");
      }
    });
  }

  /**
   * Checks that a task is placed whenever any candidate is eligible, if {@link
   * #placesWheneverSomethingIsEligible()}.
   *
   * @throws org.opentest4j.AssertionFailedError listing the eligible candidates if the task was left waiting
   */
  @Test
  public void placesATaskWheneverSomethingIsEligible() {
    if (!placesWheneverSomethingIsEligible()) {
      return;
    }
    forEachCase((view, chosen) -> {
      if (view.anyEligible()) {
        assertNotNull(chosen, () -> strategy().name() + " left a task waiting although " + view.all().stream()
            .filter(view::eligible).map(c -> c.id().value()).toList() + " were eligible");
      }
    });
  }

  /**
   * Checks that the strategy chooses nothing when every machine is offline.
   *
   * @throws org.opentest4j.AssertionFailedError naming the candidate if it chose one
   */
  @Test
  public void returnsNothingWhenNothingIsEligible() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < cases(); i++) {
      FakeCandidates view = randomView(random);
      List<FakeCandidate> none = new ArrayList<>();
      for (FakeCandidate c : view.all()) {
        none.add(new FakeCandidate(c.machine(), Health.OFFLINE, c.load(), c.signals(), c.registrationOrder(),
            c.activeTasks()));
      }
      FakeCandidates empty = new FakeCandidates(view.task(), view.ceiling(), none);
      Candidate chosen = strategy().select(empty.task(), empty);
      assertNull(chosen, () -> strategy().name() + " chose " + chosen + " among offline machines");
    }
  }

  private interface Check {
    void accept(FakeCandidates view, Candidate chosen);
  }

  private void forEachCase(Check check) {
    SplittableRandom random = new SplittableRandom(20261123);
    for (int i = 0; i < cases(); i++) {
      FakeCandidates view = randomView(random);
      check.accept(view, strategy().select(view.task(), view));
    }
  }

  /**
   * Draws one case: a random task (capabilities from {@code a}-{@code d}, any priority and weight, sometimes a
   * role) and 0-20 candidates with overlapping capabilities, loads around the ceiling (a quarter exactly at it)
   * and mostly {@code ONLINE} health. Override to draw cases closer to what your strategy looks at, such as
   * labels or signals.
   *
   * @param random the source of every random choice; the same state gives the same view
   * @return a fresh view over the drawn candidates
   */
  protected FakeCandidates randomView(SplittableRandom random) {
    Set<String> requires = new LinkedHashSet<>();
    for (String c : CAPABILITIES) {
      if (random.nextInt(4) == 0) {
        requires.add(c);
      }
    }
    Task.Builder tb = Task.newBuilder("t" + random.nextInt(1000)).requires(requires)
        .priority(Priority.values()[random.nextInt(Priority.values().length)])
        .weight(Weight.values()[random.nextInt(Weight.values().length)]);
    if (random.nextBoolean()) {
      tb.role(ROLES.get(random.nextInt(ROLES.size())));
    }
    Task task = tb.build();
    double ceiling = random.nextBoolean() ? 0.8 : 0.95;
    int n = random.nextInt(21);
    List<FakeCandidate> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Set<String> caps = new LinkedHashSet<>();
      for (String c : CAPABILITIES) {
        if (random.nextInt(3) > 0) {
          caps.add(c);
        }
      }
      Machine m = new Machine(MachineId.of("m" + i), "m" + i + ".local", ROLES.get(random.nextInt(ROLES.size())), caps,
          Specs.NONE, Map.of());
      Health h = random.nextInt(5) == 0 ? Health.values()[1 + random.nextInt(4)] : Health.ONLINE;
      double load = random.nextInt(4) == 0 ? ceiling : Math.round(random.nextDouble() * 120) / 100.0;
      Signals s = new Signals(random.nextInt(4) == 0, OptionalInt.of(random.nextInt(101)), random.nextInt(5) == 0,
          Optional.empty(), Map.of());
      list.add(new FakeCandidate(m, h, load, s, i + 1, random.nextInt(5)));
    }
    return new FakeCandidates(task, ceiling, list);
  }
}
