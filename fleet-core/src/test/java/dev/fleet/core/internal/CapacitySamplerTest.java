package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Assignment;
import dev.fleet.CapacityFinding;
import dev.fleet.CapacityReport;
import dev.fleet.CapacityUse;
import dev.fleet.Fleet;
import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Reason;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import dev.fleet.core.Fleets;
import dev.fleet.spi.Transport;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the sampler notes from a real fleet on a fake ticker, read back through the fleet's capacity report. */
class CapacitySamplerTest {
  private final FakeTicker ticker = new FakeTicker(1_000_000_000_000L);
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<Assignment> delivered = new ArrayList<>();
  private final Fleet fleet = Fleets.newBuilder().ticker(ticker).scheduler(scheduler)
      .transport(new Transport() {
        @Override
        public void deliver(Assignment a) {
          delivered.add(a);
        }

        @Override
        public void withdraw(Assignment a, String reason) {}
      })
      .eventExecutor(Runnable::run).wallClock(() -> Instant.ofEpochSecond(1_700_000_000L))
      .heartbeatInterval(Duration.ofDays(1)).suspectAfter(Duration.ofDays(100)).offlineAfter(Duration.ofDays(200))
      .loadCeiling(0.8).loadPerTask(0.5).build();

  @AfterEach
  void close() {
    fleet.close();
  }

  private static Machine machine(String id, String... caps) {
    return Machine.of(id, id, "build", Set.of(caps));
  }

  private CapacityUse use(CapacityReport r, String name) {
    return r.uses().stream().filter(u -> u.name().equals(name) && !u.role()).findFirst().orElseThrow();
  }

  @Test
  void onlineMachinesAreSampledAndOneExactlyAtTheCeilingCountsAsThere() {
    fleet.registry().register(machine("free", "cpu"), Health.ONLINE, 0);
    fleet.registry().register(machine("full", "gpu"), Health.ONLINE, 0.8);
    fleet.registry().register(machine("asleep", "tpu"), Health.ASLEEP, 0);
    scheduler.advance(Duration.ofSeconds(10));
    CapacityReport r = fleet.capacity(Duration.ofHours(1));
    assertEquals(Duration.ofSeconds(10), r.covered());
    assertEquals(0.0, use(r, "cpu").ceilingShare());
    assertEquals(1.0, use(r, "gpu").ceilingShare());
    assertTrue(r.uses().stream().noneMatch(u -> u.name().equals("tpu")), r.uses().toString());
    assertTrue(r.findings().contains(new CapacityFinding.IdleMachine(MachineId.of("free"), 1.0, java.util.Optional.empty())),
        r.findings().toString());
  }

  @Test
  void theHistoryIsAnchoredWhenTheFleetIsBuiltAndAGapCountsFiveMinutesAtMost() {
    ticker.advance(Duration.ofMinutes(9));
    assertEquals(Duration.ofMinutes(5), fleet.capacity(Duration.ofHours(1)).covered());
    ticker.advance(Duration.ofMinutes(2));
    // buckets of ten minutes from when the fleet was built: the last two minutes are a bucket of their own
    assertEquals(Duration.ofMinutes(2), fleet.capacity(Duration.ofMinutes(10)).covered());
  }

  @Test
  void aReportTakesASampleFirstAndIsCappedAtTheHorizon() {
    ticker.advance(Duration.ofSeconds(30));
    CapacityReport r = fleet.capacity(Duration.ofHours(1));
    assertEquals(Duration.ofSeconds(30), r.covered());
    assertEquals(Duration.ofHours(1), r.window());
    assertEquals(Duration.ofDays(7), fleet.capacity(Duration.ofDays(30)).window());
  }

  @Test
  void aMissingCapabilityIsCountedOncePerTask() {
    fleet.dispatcher().submit(Task.newBuilder("t1").requires("gpu").build());
    scheduler.advance(Duration.ofSeconds(10));
    scheduler.advance(Duration.ofSeconds(10));
    CapacityReport r = fleet.capacity(Duration.ofHours(1));
    assertEquals(List.of(new CapacityFinding.MissingCapability("gpu", 1, Duration.ofSeconds(20))), r.findings());
  }

  @Test
  void presenceWaitsAreNotedForTheFirst64QueuedTasksOnly() {
    fleet.registry().register(machine("sleeper", "cpu"), Health.ASLEEP, 0);
    fleet.registry().register(machine("busy", "cpu"), Health.ONLINE, 0.9);
    for (int i = 0; i < CapacitySampler.PRESENCE_LOOKS + 1; i++) {
      fleet.dispatcher().submit(Task.newBuilder("t" + i).requires("cpu").build());
    }
    scheduler.advance(Duration.ofSeconds(10));
    CapacityReport r = fleet.capacity(Duration.ofHours(1));
    List<CapacityFinding> presence = r.findings().stream()
        .filter(f -> f instanceof CapacityFinding.PresenceWait).toList();
    assertEquals(List.of(new CapacityFinding.PresenceWait(MachineId.of("sleeper"), Reason.ASLEEP,
        Duration.ofSeconds(10L * CapacitySampler.PRESENCE_LOOKS))), presence);
  }

  @Test
  void noPresenceWaitWhileAFreeMachineCouldRunIt() {
    fleet.registry().register(machine("sleeper", "cpu"), Health.ASLEEP, 0);
    fleet.dispatcher().submit(Task.newBuilder("t1").requires("cpu").build());
    fleet.registry().register(machine("free", "cpu", "gpu"), Health.ONLINE, 0);
    fleet.dispatcher().submit(Task.newBuilder("t2").requires("cpu").build());
    scheduler.advance(Duration.ofSeconds(10));
    CapacityReport r = fleet.capacity(Duration.ofHours(1));
    assertTrue(r.findings().stream().noneMatch(f -> f instanceof CapacityFinding.PresenceWait),
        r.findings().toString());
  }

  @Test
  void aFinishedTasksWaitAndRunAreTakenFromItsAttempts() {
    fleet.dispatcher().submit(Task.newBuilder("t1").requires("cpu").build());
    ticker.advance(Duration.ofSeconds(30));
    fleet.registry().register(machine("m1", "cpu"), Health.ONLINE, 0);
    assertEquals(1, delivered.size());
    ticker.advance(Duration.ofSeconds(20));
    Assignment a = delivered.get(0);
    fleet.dispatcher().complete(a.task().id(), a.token(), TaskResult.success());
    CapacityUse cpu = use(fleet.capacity(Duration.ofHours(1)), "cpu");
    assertEquals(1, cpu.finished());
    assertEquals(Duration.ofNanos((long) (Math.pow(2, 20 / 4.0) * 1e9)), cpu.p95Wait()); // 30 s falls in [26.9, 32) s
    assertEquals(Duration.ofNanos((long) (Math.pow(2, 18 / 4.0) * 1e9)), cpu.p95Run()); // 20 s in [19.0, 22.6) s
  }

  @Test
  void aTaskThatRanForNoTimeIsReplayedAndAQueuedOneSubmittedExactlyAtTheWindowsStartToo() {
    fleet.registry().register(machine("m1", "cpu"), Health.ONLINE, 0);
    fleet.dispatcher().submit(Task.newBuilder("ran").requires("cpu").build());
    Assignment a = delivered.get(0);
    fleet.dispatcher().complete(a.task().id(), a.token(), TaskResult.success());
    assertEquals(1, fleet.capacityWhatIf(Duration.ofHours(1), List.of(), List.of()).tasks());
    fleet.dispatcher().submit(Task.newBuilder("waits").requires("gpu").build());
    ticker.advance(Duration.ofHours(1)); // both exactly at the window's start
    assertEquals(2, fleet.capacityWhatIf(Duration.ofHours(1), List.of(), List.of()).tasks());
    assertEquals(Duration.ofDays(7), fleet.capacityWhatIf(Duration.ofDays(30), List.of(), List.of()).window());
    assertEquals(Duration.ofHours(1), fleet.capacityWhatIf(Duration.ofHours(1), List.of(), List.of()).window());
    ticker.advance(1);
    assertEquals(0, fleet.capacityWhatIf(Duration.ofHours(1), List.of(), List.of()).tasks());
  }

  @Test
  void closingCancelsTheNextSample() {
    int before = scheduler.pending();
    fleet.close();
    assertTrue(scheduler.pending() < before, scheduler.pending() + " of " + before);
  }
}
