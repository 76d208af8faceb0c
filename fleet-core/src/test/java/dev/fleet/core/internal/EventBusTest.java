package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The event bus: order, the journal gate, failing listeners and transports, and a refusing executor. */
class EventBusTest {
  private final List<String> seen = new ArrayList<>();

  private static FleetEvent event(String machine) {
    return new FleetEvent.HealthChanged(MachineId.of(machine), Health.LEFT, Health.ONLINE, "registered", 0);
  }

  private void listenOn(EventBus bus) {
    bus.subscribe(e -> seen.add(((FleetEvent.HealthChanged) e).machine().value()));
  }

  @Test
  void eventsAndTransportCallsAreDeliveredInTheOrderPosted() {
    EventBus bus = new EventBus(Runnable::run);
    assertFalse(bus.active());
    Subscription sub = bus.subscribe(e -> seen.add(((FleetEvent.HealthChanged) e).machine().value()));
    assertTrue(bus.active());
    bus.post(event("a"));
    bus.post(() -> seen.add("deliver"));
    bus.post(event("b"));
    assertEquals(List.of(), seen); // nothing before the flush
    bus.flush();
    assertEquals(List.of("a", "deliver", "b"), seen);
    sub.close();
    assertFalse(bus.active());
    bus.post(event("c"));
    bus.flush();
    assertEquals(List.of("a", "deliver", "b"), seen);
  }

  @Test
  void gatedItemsWaitUntilTheJournalIsDurableUpToTheirPosition() {
    EventBus bus = new EventBus(Runnable::run);
    listenOn(bus);
    bus.post(event("free")); // posted before any append: not gated
    bus.gate(5);
    bus.post(event("at5"));
    bus.post(() -> seen.add("deliver5"));
    bus.gate(9);
    bus.post(event("at9"));
    bus.flush();
    assertEquals(List.of("free"), seen);
    bus.durable(4);
    bus.flush();
    assertEquals(List.of("free"), seen);
    bus.durable(5); // exactly its position: durable
    bus.flush();
    assertEquals(List.of("free", "at5", "deliver5"), seen);
    bus.durable(3); // never goes back
    bus.durable(9);
    bus.flush();
    assertEquals(List.of("free", "at5", "deliver5", "at9"), seen);
  }

  @Test
  void durablePositionsNeverGoBackwards() {
    EventBus bus = new EventBus(Runnable::run);
    listenOn(bus);
    bus.durable(7);
    bus.durable(2);
    bus.gate(7);
    bus.post(event("at7"));
    bus.flush();
    assertEquals(List.of("at7"), seen);
  }

  @Test
  void discardedItemsAreNeverDelivered() {
    EventBus bus = new EventBus(Runnable::run);
    listenOn(bus);
    bus.post(event("lost"));
    bus.discard();
    bus.post(event("kept"));
    bus.flush();
    assertEquals(List.of("kept"), seen);
  }

  @Test
  void aFailingListenerOrTransportDoesNotStopTheRest() {
    EventBus bus = new EventBus(Runnable::run);
    bus.subscribe(e -> {
      throw new IllegalStateException("listener down");
    });
    listenOn(bus);
    bus.post(() -> {
      throw new IllegalStateException("transport down");
    });
    bus.post(event("a"));
    bus.post(() -> seen.add("deliver"));
    bus.flush();
    assertEquals(List.of("a", "deliver"), seen);
  }

  @Test
  void anExecutorThatRefusesLeavesEventsPendingForTheNextFlush() {
    boolean[] refuse = {true};
    List<Runnable> ran = new ArrayList<>();
    EventBus bus = new EventBus(r -> {
      if (refuse[0]) {
        throw new RejectedExecutionException("busy");
      }
      ran.add(r);
      r.run();
    });
    listenOn(bus);
    bus.post(event("a"));
    bus.flush();
    assertEquals(List.of(), seen);
    refuse[0] = false;
    bus.flush(); // the refused flush did not leave the bus thinking it is draining
    assertEquals(List.of("a"), seen);
    assertEquals(1, ran.size());
    bus.flush(); // nothing pending: the executor is not asked
    assertEquals(1, ran.size());
  }

  @Test
  void eventsPostedWhileDrainingAreDeliveredByTheSameDrain() {
    List<Runnable> queued = new ArrayList<>();
    EventBus bus = new EventBus(queued::add);
    bus.subscribe(e -> {
      String m = ((FleetEvent.HealthChanged) e).machine().value();
      seen.add(m);
      if (m.equals("a")) {
        bus.post(event("b")); // as if another thread posted mid-drain
        bus.flush(); // already draining: no second task
      }
    });
    bus.post(event("a"));
    bus.flush();
    bus.flush(); // already draining: no second task
    assertEquals(1, queued.size());
    queued.get(0).run();
    assertEquals(List.of("a", "b"), seen);
    assertEquals(1, queued.size());
    bus.post(event("c"));
    bus.flush(); // the drain finished: a new one starts
    assertEquals(2, queued.size());
  }
}
