package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@code Registry.register(machine, health, load, lastHeard)}: a machine loaded from a saved registry keeps the
 * time it was last heard, and the failure detector judges its silence from then, like a heartbeat's, instead of
 * giving it a fresh grace. Defaults: heartbeat every 5 s, suspect after 15 s, offline after 30 s.
 */
class RegisterLastHeardTest {
  /** The wall clock when the fake ticker reads 0. */
  private static final Instant T0 = Instant.parse("2026-04-29T10:30:00Z");

  /** A fleet on hand-driven time whose wall clock moves with its ticker. */
  private static TestFleet fleet(Consumer<FleetBuilder> more) {
    TestFleet[] self = new TestFleet[1];
    TestFleet t = new TestFleet(b -> {
      b.wallClock(() -> self[0] == null ? T0 : T0.plusNanos(self[0].ticker.read())); // read while building too
      more.accept(b);
    });
    self[0] = t;
    return t;
  }

  private static TestFleet fleet() {
    return fleet(b -> {});
  }

  private static MachineStatus register(TestFleet t, String id, Health health, Optional<Instant> lastHeard) {
    return t.fleet.registry().register(TestFleet.machine(id, "worker", "cpu"), health, 0.3, lastHeard);
  }

  private static Health health(TestFleet t, String id) {
    return t.fleet.monitor().health(MachineId.of(id));
  }

  private static List<String> transitions(TestFleet t, String id) {
    return t.events(FleetEvent.HealthChanged.class).stream().filter(e -> e.machine().value().equals(id))
        .map(e -> e.to().word() + " (" + e.reason() + ")").toList();
  }

  @Test
  void aMachineLastHeardLongAgoIsOfflineOnRegisteringAndGetsNoWork() {
    try (TestFleet t = fleet()) {
      t.advance(Duration.ofHours(2));
      Instant heard = T0.plus(Duration.ofHours(1));
      MachineStatus s = register(t, "old", Health.ONLINE, Optional.of(heard));

      assertEquals(Health.OFFLINE, s.health(), "judged at once, not after a fresh 30 s grace");
      assertEquals(Optional.of(heard), s.lastHeartbeat(), "the time it was last heard is kept");
      assertEquals(0.3, s.load());
      assertEquals(List.of("online (registered)", "offline (silent for 3600.0s >= 30.0s)"), transitions(t, "old"));
      Decision d = t.fleet.dispatcher().submit(Task.newBuilder("job").requires("cpu").build());
      assertInstanceOf(Decision.Queued.class, d, "an offline machine takes no work");
    }
  }

  @Test
  void aMachineHeardAWhileAgoIsSuspectAtOnceAndOfflineWhenItsSilenceReachesTheLimit() {
    try (TestFleet t = fleet()) {
      t.advance(Duration.ofMinutes(1));
      MachineStatus s = register(t, "quiet", Health.ONLINE, Optional.of(T0.plusSeconds(40))); // 20 s ago
      t.fleet.registry().register(TestFleet.machine("fresh", "worker", "cpu"), Health.ONLINE, 0.3);
      assertEquals(Health.SUSPECT, s.health());

      t.advance(Duration.ofMillis(9_999));
      assertEquals(Health.SUSPECT, health(t, "quiet"));
      t.advance(Duration.ofMillis(1)); // 30 s after it was last heard, not 30 s after it was registered
      assertEquals(Health.OFFLINE, health(t, "quiet"));
      assertEquals(Health.ONLINE, health(t, "fresh"), "the old way still gives a fresh grace");
      assertEquals(Optional.of(T0.plusSeconds(40)), t.fleet.registry().get(MachineId.of("quiet")).get()
          .lastHeartbeat());
    }
  }

  @Test
  void aMachineHeardRecentlyStaysOnlineUntilItsSilenceSaysOtherwiseAndAHeartbeatResetsIt() {
    try (TestFleet t = fleet()) {
      t.advance(Duration.ofMinutes(1));
      register(t, "m", Health.ONLINE, Optional.of(T0.plusSeconds(55))); // 5 s ago
      assertEquals(Health.ONLINE, health(t, "m"));
      t.advance(Duration.ofMillis(9_999));
      assertEquals(Health.ONLINE, health(t, "m"));
      t.advance(Duration.ofMillis(1)); // 15 s of silence
      assertEquals(Health.SUSPECT, health(t, "m"));
      t.beat("m", 0.5);
      assertEquals(Health.ONLINE, health(t, "m"));
      MachineStatus s = t.fleet.registry().get(MachineId.of("m")).get();
      assertEquals(Optional.of(T0.plusSeconds(70)), s.lastHeartbeat());
      assertEquals(0.5, s.load());
    }
  }

  @Test
  void aTimeInTheFutureCountsAsNow() {
    try (TestFleet t = fleet()) {
      t.advance(Duration.ofMinutes(1));
      MachineStatus s = register(t, "skewed", Health.ONLINE, Optional.of(T0.plus(Duration.ofDays(1))));
      assertEquals(Health.ONLINE, s.health());
      assertEquals(Optional.of(T0.plusSeconds(60)), s.lastHeartbeat());
      t.advance(Duration.ofSeconds(30));
      assertEquals(Health.OFFLINE, health(t, "skewed"));
    }
  }

  @Test
  void aMachineNeverHeardFromShowsNoLastHeartbeatUntilItsFirstAndGetsTheUsualGrace() {
    try (TestFleet t = fleet()) {
      t.advance(Duration.ofMinutes(1));
      MachineStatus s = register(t, "new", Health.ONLINE, Optional.empty());
      assertEquals(Health.ONLINE, s.health());
      assertEquals(Optional.empty(), s.lastHeartbeat());
      t.advance(Duration.ofSeconds(15));
      assertEquals(Health.SUSPECT, health(t, "new"));
      t.beat("new", 0.1);
      assertEquals(Optional.of(T0.plusSeconds(75)), t.fleet.registry().get(MachineId.of("new")).get()
          .lastHeartbeat());
    }
  }

  @Test
  void aStatusOfOfflineOrAsleepIsKeptWhateverTheTime() {
    try (TestFleet t = fleet()) {
      t.advance(Duration.ofMinutes(1));
      assertEquals(Health.OFFLINE, register(t, "off", Health.OFFLINE, Optional.of(T0.plusSeconds(59))).health());
      assertEquals(Health.ASLEEP, register(t, "zz", Health.ASLEEP, Optional.of(T0)).health());
      assertEquals(Health.OFFLINE, register(t, "drained", Health.DRAINING, Optional.of(T0)).health(),
          "a draining machine silent too long is offline, and comes back draining");
      t.beat("drained", 0.1);
      assertEquals(Health.DRAINING, health(t, "drained"));
    }
  }

  @Test
  void theOfflinePruneCountsFromRegisteringAtTheEarliestAndTheNeverHeardPruneDoesNotApply() {
    try (TestFleet t = fleet(b -> b.pruneNeverHeardAfter(Duration.ofMinutes(1))
        .pruneOfflineAfter(Duration.ofMinutes(10)))) {
      t.advance(Duration.ofHours(1));
      register(t, "gone", Health.ONLINE, Optional.of(T0.plus(Duration.ofMinutes(45)))); // 15 min ago
      register(t, "away", Health.ONLINE, Optional.of(T0.plus(Duration.ofMinutes(58)))); // 2 min ago
      register(t, "never", Health.ONLINE, Optional.empty());

      t.advance(Duration.ofSeconds(5)); // the next sweep: silent past the limit, but only just loaded
      assertEquals(Health.OFFLINE, health(t, "gone"));
      assertEquals(Health.OFFLINE, health(t, "away"), "heard 2 min ago: offline, but not 'never heard from'");
      assertEquals(List.of(), left(t), "nothing is pruned the moment it is loaded");

      t.advance(Duration.ofSeconds(55)); // a minute after registering: only the one never heard from goes
      assertEquals(List.of("gone", "away"), t.fleet.registry().list().stream().map(s -> s.id().value()).toList());

      t.advance(Duration.ofMinutes(9)); // ten minutes after loading both were offline that long in this fleet
      List<String> left = left(t);
      assertEquals(3, left.size(), left.toString());
      assertEquals("gone: pruned: offline and silent for 25min, 10min of it since it was registered "
          + "(pruneOfflineAfter 10min)", left.get(1));
      assertEquals("away: pruned: offline and silent for 12min, 10min of it since it was registered "
          + "(pruneOfflineAfter 10min)", left.get(2));
      assertEquals(List.of(), t.fleet.registry().list());
    }
  }

  private static List<String> left(TestFleet t) {
    return t.events(FleetEvent.HealthChanged.class).stream().filter(e -> e.to() == Health.LEFT)
        .map(e -> e.machine().value() + ": " + e.reason()).toList();
  }

  @Test
  void thePhiAccrualDetectorJudgesFromTheLastHeardTimeToo() {
    try (TestFleet t = fleet(b -> b.failureDetector(Detectors.phiAccrual(Duration.ofSeconds(3))))) {
      t.advance(Duration.ofHours(1));
      assertEquals(Health.OFFLINE, register(t, "old", Health.ONLINE, Optional.of(T0)).health());
      assertEquals(Health.ONLINE, register(t, "now", Health.ONLINE, Optional.of(T0.plus(Duration.ofHours(1))))
          .health());
    }
  }

  @Test
  void badInputIsRefusedNamingTheValueAndNothingIsRegistered() {
    try (TestFleet t = fleet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> register(t, "x", Health.ONLINE, Optional.of(Instant.MIN)));
      assertTrue(e.getMessage().contains(Instant.MIN.toString()), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> register(t, "x", Health.LEFT, Optional.of(T0)));
      assertThrows(NullPointerException.class, () -> t.fleet.registry()
          .register(TestFleet.machine("x", "worker", "cpu"), Health.ONLINE, 0.3, null));
      assertEquals(0, t.fleet.registry().size());
      register(t, "x", Health.ONLINE, Optional.of(T0));
      assertThrows(IllegalStateException.class, () -> register(t, "x", Health.ONLINE, Optional.of(T0)));
    }
  }

  @Test
  void checkRefusesWhatRegisterWouldRefuseAndStoresNothing() {
    try (TestFleet t = fleet()) {
      dev.fleet.Machine bad = TestFleet.machine("q", "worker", "cpu").withLabel("quiet-hours", "tea time");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fleet.registry().check(bad));
      assertTrue(e.getMessage().contains("tea time"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> t.fleet.registry().register(bad, Health.ONLINE, 0,
          Optional.of(T0)));
      t.fleet.registry().check(TestFleet.machine("ok", "worker", "cpu").withLabel("quiet-hours", "22:00-07:00"));
      assertEquals(0, t.fleet.registry().size());
    }
  }
}
