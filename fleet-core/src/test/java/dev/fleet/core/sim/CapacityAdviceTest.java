package dev.fleet.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.CapacityFinding;
import dev.fleet.CapacityReport;
import dev.fleet.CapacityUse;
import dev.fleet.FleetEvent;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.testing.sim.FleetSimulator;
import dev.fleet.testing.sim.SimulationResult;
import dev.fleet.testing.sim.Workload;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The capacity advice on simulated runs whose right answer is known: a missing capability, a saturated role, idle machines. */
class CapacityAdviceTest {
  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Duration SAMPLE = Duration.ofSeconds(10);

  private record Run(SimulationResult result, CapacityReport report) {}

  private static Run run(int machines, Workload workload, Duration duration, UnaryOperator<Machine> rewrite) {
    return run(sim(machines, workload, duration, rewrite));
  }

  private static FleetSimulator.Builder sim(int machines, Workload workload, Duration duration,
      UnaryOperator<Machine> rewrite) {
    return FleetSimulator.newBuilder(ReportingFleet.around(SimFleets.defaults(INTERVAL), rewrite,
            Duration.ofHours(6), REPORT.get()))
        .seed(7).machines(machines).heartbeatInterval(INTERVAL).duration(duration).workload(workload)
        .settleLimit(Duration.ofMinutes(10));
  }

  private static final ThreadLocal<AtomicReference<CapacityReport>> REPORT =
      ThreadLocal.withInitial(AtomicReference::new);

  private static Run run(FleetSimulator.Builder sim) {
    SimulationResult r = sim.build().run();
    return new Run(r, REPORT.get().getAndSet(null));
  }

  private static <T extends CapacityFinding> List<T> findings(CapacityReport r, Class<T> kind) {
    return r.findings().stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** What the simulator gives machine {@code mi}: 'cpu', and 'gpu' when i is a multiple of 3. */
  private static Set<String> capabilities(MachineId id) {
    int i = Integer.parseInt(id.value().substring(1));
    return i % 3 == 0 ? Set.of("cpu", "gpu") : Set.of("cpu");
  }

  @Test
  void tasksWaitingForACapabilityNoMachineHasAreCountedWithTheirWait() {
    // Machine 0 and 3 would have 'gpu'; here none does, so every gpu task waits until the run ends.
    Run run = run(4, Workload.steady(6).withGpuShare(0.3), Duration.ofMinutes(20),
        m -> m.withCapabilities(m.capabilities().stream().filter(c -> !c.equals("gpu")).toList()));

    List<TaskStatus> gpu = run.result.finalStatuses().values().stream()
        .filter(s -> s.task().requires().contains("gpu")).toList();
    assertTrue(gpu.size() > 10, "gpu tasks: " + gpu.size());
    assertTrue(gpu.stream().allMatch(s -> s.state() == TaskState.QUEUED));
    Map<TaskId, Long> submitted = new HashMap<>();
    for (FleetEvent e : run.result.events()) {
      if (e instanceof FleetEvent.TaskChanged t) {
        submitted.putIfAbsent(t.task(), t.atNanos());
      }
    }
    long truth = gpu.stream().mapToLong(s -> run.result.endNanos() - submitted.get(s.id())).sum();

    List<CapacityFinding.MissingCapability> missing = findings(run.report, CapacityFinding.MissingCapability.class);
    assertEquals(1, missing.size(), run.report.render());
    CapacityFinding.MissingCapability f = missing.get(0);
    assertEquals("gpu", f.capability());
    assertEquals(gpu.size(), f.tasks());
    // Sampled every 10 s: each task's wait is known within one sample.
    long slack = gpu.size() * SAMPLE.toNanos();
    assertTrue(Math.abs(f.waited().toNanos() - truth) <= slack, f.waited() + " vs " + Duration.ofNanos(truth));
    assertTrue(f.sentence().startsWith(gpu.size() + " tasks waited "), f.sentence());
    assertTrue(f.sentence().endsWith("for 'gpu': add a machine with 'gpu'"), f.sentence());
    assertEquals(f, run.report.findings().get(0), "the most pressing comes first");
  }

  @Test
  void aSaturatedCapabilityIsReportedWithItsWait() {
    // Two machines take 8 tasks each (load 0.1 a task, ceiling 0.8); 20 tasks a minute of 2-4 min ask for ~60.
    Run run = run(2, Workload.steady(20).withRunTimes(Duration.ofMinutes(2), Duration.ofMinutes(4)),
        Duration.ofMinutes(30), m -> m);

    List<CapacityFinding.Saturated> sat = findings(run.report, CapacityFinding.Saturated.class);
    CapacityFinding.Saturated cpu = sat.stream().filter(s -> s.name().equals("cpu") && !s.role()).findFirst()
        .orElseThrow(() -> new AssertionError(run.report.render()));
    assertTrue(cpu.ceilingShare() > 0.5, run.report.render());
    assertTrue(cpu.p95Wait().compareTo(Duration.ofMinutes(5)) > 0, run.report.render());
    // m0 also has 'gpu' and was as busy, but no task asked for 'gpu': adding a gpu machine would not help.
    assertTrue(sat.stream().noneMatch(s -> s.name().equals("gpu")), run.report.render());
    // Nor did any task ask for the role 'worker', though its machines were as full.
    assertTrue(sat.stream().noneMatch(CapacityFinding.Saturated::role), run.report.render());
    assertTrue(run.report.uses().stream().anyMatch(u -> u.role() && u.name().equals("worker") && u.ceilingShare() > 0.5));
    assertTrue(findings(run.report, CapacityFinding.IdleMachine.class).isEmpty(), run.report.render());
    CapacityUse use = run.report.uses().stream().filter(u -> u.name().equals("cpu") && !u.role()).findFirst()
        .orElseThrow();
    assertTrue(use.meanQueue() > 5, "mean queue " + use.meanQueue());
    // The series spans what the history covers: about 40 minutes, in 10-minute buckets.
    assertTrue(use.series().size() >= 4 && use.series().size() <= 6, use.series().toString());
    assertTrue(use.series().stream().skip(1).allMatch(v -> v > 0.5), use.series().toString());
  }

  @Test
  void workWaitingForASleepingLaptopIsAPresenceWait() {
    // m0 is the only machine with 'gpu' and a laptop (it announces its sleep, so the fleet marks it asleep); it sleeps 30 min.
    Run run = run(sim(2, Workload.steady(2).withGpuShare(0.5), Duration.ofHours(1), m -> m)
        .laptops(0)
        .faults(dev.fleet.testing.sim.FaultSchedule.of(new dev.fleet.testing.sim.Fault.Sleep(0, Duration.ofMinutes(10),
            Duration.ofMinutes(30), true))));

    List<CapacityFinding.PresenceWait> waits = findings(run.report, CapacityFinding.PresenceWait.class);
    CapacityFinding.PresenceWait w = waits.stream().filter(p -> p.machine().equals(FleetSimulator.machineId(0)))
        .findFirst().orElseThrow(() -> new AssertionError(run.report.render()));
    assertEquals(dev.fleet.Reason.ASLEEP, w.reason());
    // Gpu tasks arrive once a minute and wait up to 30 min each: far more than the 30 min of sleep in all.
    assertTrue(w.waited().compareTo(Duration.ofMinutes(30)) >= 0, w.sentence());
    assertTrue(w.sentence().startsWith("work waited "), w.sentence());
    assertTrue(w.sentence().endsWith(" for m0 to wake"), w.sentence());
  }

  @Test
  void idleMachinesAreNamedWithWhereTheirWorkFits() {
    // One task every ten minutes on average, 5 to 30 s each: every machine sits idle nearly all the time.
    Run run = run(4, Workload.steady(0.1).withRunTimes(Duration.ofSeconds(5), Duration.ofSeconds(30)),
        Duration.ofHours(2), m -> m);

    List<CapacityFinding.IdleMachine> idle = findings(run.report, CapacityFinding.IdleMachine.class);
    assertFalse(idle.isEmpty(), run.report.render());
    for (CapacityFinding.IdleMachine f : idle) {
      assertTrue(f.idleShare() >= 0.9, f.sentence());
      MachineId host = f.fitsOn().orElseThrow(() -> new AssertionError(f.sentence()));
      assertTrue(capabilities(host).containsAll(capabilities(f.machine())), f.sentence());
      assertTrue(idle.stream().noneMatch(g -> g.machine().equals(host)), "a host stays: " + run.report.render());
    }
    assertTrue(findings(run.report, CapacityFinding.Saturated.class).isEmpty(), run.report.render());
    assertTrue(findings(run.report, CapacityFinding.MissingCapability.class).isEmpty(), run.report.render());
  }
}
