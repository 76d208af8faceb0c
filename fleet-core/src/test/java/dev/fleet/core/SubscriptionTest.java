package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fleet.FleetEvent;
import dev.fleet.FleetListener;
import dev.fleet.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What closing the handle {@code Fleet.subscribe} returns does, and does not, end. */
class SubscriptionTest {

  private static List<String> registered(List<FleetEvent> events) {
    return events.stream().filter(FleetEvent.HealthChanged.class::isInstance)
        .map(e -> ((FleetEvent.HealthChanged) e).machine().value()).toList();
  }

  @Test
  void closingTwiceIsHarmlessAndTheListenerHearsNothingAfterTheFirstClose() {
    try (TestFleet t = new TestFleet()) {
      List<FleetEvent> seen = new CopyOnWriteArrayList<>();
      Subscription sub = t.fleet.subscribe(seen::add);
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      sub.close();
      sub.close();
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      t.beat("b", 0.5);
      assertEquals(List.of("a"), registered(seen));
      assertEquals(List.of("a", "b"), registered(t.events)); // the fleet went on publishing
    }
  }

  @Test
  void closingOneOfTwoSubscriptionsOfTheSameListenerTwiceLeavesTheOtherListening() {
    try (TestFleet t = new TestFleet()) {
      List<FleetEvent> seen = new CopyOnWriteArrayList<>();
      FleetListener listener = seen::add;
      Subscription first = t.fleet.subscribe(listener);
      Subscription second = t.fleet.subscribe(listener);
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      first.close();
      first.close();
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      second.close();
      t.fleet.registry().register(TestFleet.machine("c", "r", "x"));
      assertEquals(List.of("a", "a", "b"), registered(seen));
    }
  }

  @Test
  void aListenerMayCloseItsOwnSubscriptionAndHearsNoLaterEvent() {
    try (TestFleet t = new TestFleet()) {
      List<FleetEvent> seen = new CopyOnWriteArrayList<>();
      Subscription[] self = new Subscription[1];
      self[0] = t.fleet.subscribe(e -> {
        seen.add(e);
        self[0].close();
      });
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().register(TestFleet.machine("b", "r", "x"));
      assertEquals(List.of("a"), registered(seen));
    }
  }

  @Test
  void closingAfterTheFleetClosedIsHarmlessAndSubscribingThenIsRefused() {
    TestFleet t = new TestFleet();
    Subscription sub = t.fleet.subscribe(e -> { });
    t.close();
    sub.close();
    sub.close();
    assertThrows(IllegalStateException.class, () -> t.fleet.subscribe(e -> { }));
  }
}
