package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.UnknownMachineException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class HeartbeatMonitorTest {
  private static final MachineId A = MachineId.of("a");

  @Test
  void lastHeartbeatShowsWhenTheMachineWasHeardInWallClockTime() {
    Instant base = Instant.parse("2026-11-23T10:00:00Z");
    java.util.concurrent.atomic.AtomicReference<TestFleet> ref = new java.util.concurrent.atomic.AtomicReference<>();
    // A wall clock that moves with the fake ticker, as the real two do.
    try (TestFleet t = new TestFleet(b -> b.wallClock(() -> ref.get() == null ? base : base.plusNanos(ref.get().ticker.read())))) {
      ref.set(t);
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.advance(Duration.ofSeconds(3));
      t.beat("a", 0.1);
      t.advance(Duration.ofSeconds(10));
      assertEquals(base.plusSeconds(3), t.fleet.registry().get(A).orElseThrow().lastHeartbeat().orElseThrow());
      t.advance(Duration.ofSeconds(20)); // sweeps renew the clock anchor meanwhile; what was shown must not move
      assertEquals(base.plusSeconds(3), t.fleet.registry().get(A).orElseThrow().lastHeartbeat().orElseThrow());
    }
  }

  @Test
  void silenceMakesAMachineSuspectThenOfflineOnTheDefaultTimeouts() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.advance(Duration.ofSeconds(14));
      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
      t.advance(Duration.ofSeconds(1));
      assertEquals(Health.SUSPECT, t.fleet.monitor().health(A));
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().plan(Task.newBuilder("t").requires("x").build()));
      t.advance(Duration.ofSeconds(15));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      List<String> changes = t.events(FleetEvent.HealthChanged.class).stream()
          .map(e -> e.from() + ">" + e.to() + " (" + e.reason() + ")").toList();
      assertEquals(List.of("LEFT>ONLINE (registered)", "ONLINE>SUSPECT (silent for 15.0s >= 15.0s)",
          "SUSPECT>OFFLINE (silent for 30.0s >= 30.0s)"), changes);
    }
  }

  @Test
  void aHeartbeatBringsAnOfflineMachineBackAndItsQueuedWorkRuns() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.advance(Duration.ofSeconds(31));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("t").requires("x").build());
      assertEquals("0/1 machines fit: 1 offline", d.why().summary());

      assertTrue(t.beat("a", 0.1));

      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
      assertEquals(A, t.fleet.dispatcher().status(d.task().id()).orElseThrow().machine().orElseThrow());
    }
  }

  @Test
  void sweepSaysWhenItIsNextNeeded() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      long now = t.ticker.read();
      assertEquals(now + Duration.ofSeconds(5).toNanos(), t.fleet.monitor().sweep(now));
      long later = now + Duration.ofSeconds(12).toNanos();
      assertEquals(now + Duration.ofSeconds(15).toNanos(), t.fleet.monitor().sweep(later));
    }
  }

  @Test
  void olderAndRepeatedHeartbeatsAreIgnored() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      assertTrue(t.fleet.monitor().heartbeat(Heartbeat.of(A, 5, 0.3)));
      assertFalse(t.fleet.monitor().heartbeat(Heartbeat.of(A, 5, 0.9)));
      assertFalse(t.fleet.monitor().heartbeat(Heartbeat.of(A, 4, 0.9)));
      assertEquals(0.3, t.fleet.registry().get(A).orElseThrow().load(), 1e-9);
      assertTrue(t.fleet.monitor().heartbeat(Heartbeat.of(A, 6, 0.5)), "a newer sequence is taken");
      assertEquals(0.5, t.fleet.registry().get(A).orElseThrow().load(), 1e-9);
      assertTrue(t.fleet.monitor().heartbeat(Heartbeat.of(A, 0, 0.4)), "a restarted agent counts from 0 again");
    }
  }

  @Test
  void anIgnoredHeartbeatIsLoggedAtDebugWithBothSequences() {
    try (LogLines log = LogLines.start("dev.fleet.core.internal.FleetMonitor", Level.FINE);
        TestFleet t = new TestFleet()) {
      List<String> lines = log.lines;
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.monitor().heartbeat(Heartbeat.of(A, 7, 0.3));
      assertEquals(List.of(), lines, "an accepted heartbeat is not logged");
      assertFalse(t.fleet.monitor().heartbeat(Heartbeat.of(A, 3, 0.3)));
      assertEquals(List.of("FINE ignored a heartbeat from a: its sequence 3 is not newer than 7, the last one"
          + " accepted"), lines);
    }
  }

  @Test
  void heartbeatFromAnUnknownMachineIsAnError() {
    try (TestFleet t = new TestFleet()) {
      UnknownMachineException e = assertThrows(UnknownMachineException.class,
          () -> t.fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("ghost"), 1, 0.1)));
      assertEquals("no machine 'ghost' is registered", e.getMessage());
    }
  }

  @Test
  void aDrainingMachineGetsNoWorkAndComesBackWhenUndrained() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().drain(A);
      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("t").requires("x").build());
      assertEquals("0/1 machines fit: 1 draining", d.why().summary());
      assertEquals(List.of("runs when a is undrained"), d.why().unblockers());
      t.beat("a", 0.1);
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A), "a heartbeat does not end a drain");

      t.fleet.registry().undrain(A);

      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
      assertEquals(A, t.fleet.dispatcher().status(d.task().id()).orElseThrow().machine().orElseThrow());
    }
  }

  @Test
  void undrainingAMachineThatWentQuietMakesItSuspectNotOnline() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().drain(A);
      t.advance(Duration.ofSeconds(20)); // past the 15 s suspect limit, before the 30 s offline one
      t.fleet.registry().undrain(A);
      assertEquals(Health.SUSPECT, t.fleet.monitor().health(A));
      assertInstanceOf(Decision.Queued.class, t.fleet.dispatcher().plan(Task.newBuilder("t").requires("x").build()));
      t.beat("a", 0.1);
      assertEquals(Health.ONLINE, t.fleet.monitor().health(A));
    }
  }

  @Test
  void aSilentDrainingMachineStillGoesOfflineAndReturnsDraining() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.fleet.registry().drain(A);
      t.advance(Duration.ofSeconds(30));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
      t.beat("a", 0.1);
      assertEquals(Health.DRAINING, t.fleet.monitor().health(A));
    }
  }

  @Test
  void timeoutsAreConfigurable() {
    try (TestFleet t = new TestFleet(b -> b.heartbeatInterval(Duration.ofSeconds(1))
        .suspectAfter(Duration.ofSeconds(3)).offlineAfter(Duration.ofSeconds(4)))) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      t.advance(Duration.ofSeconds(3));
      assertEquals(Health.SUSPECT, t.fleet.monitor().health(A));
      t.advance(Duration.ofSeconds(1));
      assertEquals(Health.OFFLINE, t.fleet.monitor().health(A));
    }
  }

  @Test
  void deregisteringReportsLeftAndForgetsTheMachine() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "x"));
      assertTrue(t.fleet.registry().deregister(A));
      assertFalse(t.fleet.registry().deregister(A));
      assertTrue(t.fleet.registry().get(A).isEmpty());
      assertEquals(Health.LEFT, t.events(FleetEvent.HealthChanged.class).get(1).to());
    }
  }
}
