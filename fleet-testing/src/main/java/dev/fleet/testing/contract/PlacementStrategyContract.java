package dev.fleet.testing.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
 * The rules every {@link PlacementStrategy} must keep, as tests a plugin author inherits: extend this
 * class, return your strategy from {@link #strategy()}, and run it with JUnit 5.
 *
 * <p>Each test draws {@link #cases()} random candidate sets from a fixed seed. Not thread-safe.
 */
public abstract class PlacementStrategyContract {

  /** The strategy under test; may return the same instance every time. */
  protected abstract PlacementStrategy strategy();

  /** Whether the strategy must place a task whenever some candidate is eligible (true for work-conserving ones). */
  protected boolean placesWheneverSomethingIsEligible() {
    return true;
  }

  /** How many random candidate sets each rule is checked on. */
  protected int cases() {
    return 500;
  }

  private static final List<String> CAPABILITIES = List.of("a", "b", "c", "d");
  private static final List<String> ROLES = List.of("primary", "parallel", "cron", "interface");

  @Test
  void neverChoosesAnIneligibleCandidate() {
    forEachCase((view, chosen) -> {
      if (chosen != null) {
        assertTrue(view.eligible(chosen), () -> strategy().name() + " chose " + chosen + " which is not eligible");
      }
    });
  }

  @Test
  void onlyChoosesCandidatesTheViewHandedOut() {
    forEachCase((view, chosen) -> {
      if (chosen != null) {
        assertTrue(view.all().stream().anyMatch(c -> c == chosen), () -> "chose a foreign candidate " + chosen);
      }
    });
  }

  @Test
  void isDeterministicForTheSameInputs() {
    forEachCase((view, chosen) -> {
      Candidate again = strategy().select(view.task(), new FakeCandidates(view.task(), view.ceiling(), view.all()));
      assertSame(chosen, again, () -> "two calls on the same inputs chose " + chosen + " and " + again);
    });
  }

  @Test
  void hasNoSideEffectsOnTheTaskOrTheCandidates() {
    forEachCase((view, chosen) -> {
      List<FakeCandidate> before = List.copyOf(view.all());
      Task task = view.task();
      strategy().select(task, view);
      assertEquals(before, view.all());
      assertEquals(task, view.task());
    });
  }

  @Test
  void placesATaskWheneverSomethingIsEligible() {
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

  @Test
  void returnsNothingWhenNothingIsEligible() {
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
      assertFalse(chosen != null && empty.eligible(chosen));
      assertEquals(null, chosen, () -> strategy().name() + " chose " + chosen + " among offline machines");
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

  /** A random task and 0-20 candidates with overlapping capabilities, loads around the ceiling, mixed health. */
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
