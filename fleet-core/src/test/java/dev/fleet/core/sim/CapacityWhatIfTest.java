package dev.fleet.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.CapacityWhatIf;
import dev.fleet.FleetEvent;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.testing.sim.FleetSimulator;
import dev.fleet.testing.sim.SimulationResult;
import dev.fleet.testing.sim.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The what-if against the real thing: a saturated two-machine run asks what a third machine would change, and the
 * same run (same seed, same arrivals) is then simulated with that third machine.
 */
class CapacityWhatIfTest {
  private static final Duration INTERVAL = Duration.ofSeconds(5);
  /** Six tasks a minute of 2 to 4 min: about 18 running at once against 8 a machine (load 0.1 each, ceiling 0.8). */
  private static final Workload WORK = Workload.steady(6).withRunTimes(Duration.ofMinutes(2), Duration.ofMinutes(4));
  private static final Machine THIRD = new Machine(MachineId.of("m2"), "m2.sim", "worker", java.util.Set.of("cpu"),
      dev.fleet.Specs.NONE, Map.of());

  private static SimulationResult run(int machines, java.util.function.Consumer<dev.fleet.Fleet> beforeClose) {
    return FleetSimulator.newBuilder(ReportingFleet.around(SimFleets.defaults(INTERVAL), m -> m, beforeClose))
        .seed(11).machines(machines).heartbeatInterval(INTERVAL).duration(Duration.ofMinutes(40)).workload(WORK)
        .settleLimit(Duration.ofMinutes(30)).build().run();
  }

  /** The p95 of each task's wait from submission to its first dispatch, rounded to the what-if's bins. */
  private static Duration p95Wait(SimulationResult r) {
    Map<TaskId, Long> submitted = new HashMap<>();
    List<Long> waits = new ArrayList<>();
    for (FleetEvent e : r.events()) {
      if (e instanceof FleetEvent.TaskChanged t) {
        Long at = submitted.putIfAbsent(t.task(), t.atNanos());
        if (t.to() == TaskState.DISPATCHED && t.attempt() == 1) {
          waits.add(t.atNanos() - (at == null ? t.atNanos() : at));
        }
      }
    }
    waits.sort(null);
    return Duration.ofNanos(waits.get((int) Math.ceil(0.95 * waits.size()) - 1));
  }

  private static boolean close(Duration predicted, Duration real) {
    // Bins are 19% wide, and the replay has no heartbeats, jitter or latency: within a third, or both under 30 s.
    long p = predicted.toMillis();
    long q = real.toMillis();
    return Math.abs(p - q) <= Math.max(30_000, q / 3);
  }

  @Test
  void aThirdMachinePredictedAsRunningItDoes() {
    AtomicReference<CapacityWhatIf> answer = new AtomicReference<>();
    AtomicReference<CapacityWhatIf> again = new AtomicReference<>();
    SimulationResult two = run(2, f -> {
      answer.set(f.capacityWhatIf(Duration.ofHours(2), List.of(THIRD), List.of()));
      again.set(f.capacityWhatIf(Duration.ofHours(2), List.of(THIRD), List.of()));
    });
    SimulationResult three = run(3, f -> { });

    CapacityWhatIf w = answer.get();
    assertEquals(w, again.get(), "deterministic: same history, same answer");
    CapacityWhatIf.Wait cpu = w.waits().stream().filter(x -> x.capability().equals("cpu")).findFirst().orElseThrow();
    assertEquals(two.finalStatuses().size(), cpu.tasks(), w.sentence());
    Duration realTwo = p95Wait(two);
    Duration realThree = p95Wait(three);
    assertTrue(realTwo.compareTo(Duration.ofMinutes(3)) > 0, "two machines are saturated: p95 " + realTwo);
    assertTrue(close(cpu.before(), realTwo), "replayed on two: " + cpu.before() + ", ran: " + realTwo);
    assertTrue(close(cpu.after(), realThree), "replayed on three: " + cpu.after() + ", ran: " + realThree);
    assertTrue(w.sentence().startsWith("p95 wait for 'cpu' "), w.sentence());
    assertTrue(w.sentence().contains(" → "), w.sentence());
  }

  @Test
  void removingAMachineNobodyNeedsChangesNothingAndUnknownOnesAreRefused() {
    AtomicReference<CapacityWhatIf> answer = new AtomicReference<>();
    AtomicReference<String> refused = new AtomicReference<>();
    run(2, f -> {
      answer.set(f.capacityWhatIf(Duration.ofHours(2), List.of(), List.of()));
      try {
        f.capacityWhatIf(Duration.ofHours(2), List.of(), List.of(MachineId.of("nowhere")));
      } catch (IllegalArgumentException e) {
        refused.set(e.getMessage());
      }
    });
    assertTrue(answer.get().sentence().startsWith("nothing changes: "), answer.get().sentence());
    assertEquals("cannot remove machine 'nowhere' in a what-if: it is not registered", refused.get());
  }
}
