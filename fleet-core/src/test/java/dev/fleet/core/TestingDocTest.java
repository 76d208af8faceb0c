package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleet.Fleet;
import dev.fleet.Health;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples in docs/testing.md and in FakeTicker's and ManualScheduler's javadoc, kept true. Edit together. */
class TestingDocTest {

  @Test
  void aFakeTickerAloneMovesTimeButRunsNoSweep() {
    FakeTicker ticker = new FakeTicker();
    try (Fleet fleet = Fleets.newBuilder().ticker(ticker).build()) {
      fleet.registry().register(Machine.of("m1", "m1.local", "batch", List.of("build")));
      fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("m1"), 1, 0.2));

      ticker.advance(Duration.ofMinutes(5)); // far past offlineAfter (30 s), but nothing sweeps

      assertEquals(Health.ONLINE, fleet.registry().get(MachineId.of("m1")).orElseThrow().health());
    }
  }

  @Test
  void aManualSchedulerOnTheSameTickerSweepsAsTimeMoves() {
    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    try (Fleet fleet = Fleets.newBuilder().ticker(ticker).scheduler(scheduler).build()) {
      fleet.registry().register(Machine.of("m1", "m1.local", "batch", List.of("build")));
      fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("m1"), 1, 0.2));

      scheduler.advance(Duration.ofSeconds(20)); // moves the ticker and runs each sweep that falls due
      assertEquals(Health.SUSPECT, fleet.registry().get(MachineId.of("m1")).orElseThrow().health());

      scheduler.advance(Duration.ofSeconds(20));
      assertEquals(Health.OFFLINE, fleet.registry().get(MachineId.of("m1")).orElseThrow().health());
    }
  }
}
