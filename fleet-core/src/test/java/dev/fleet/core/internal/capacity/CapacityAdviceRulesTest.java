package dev.fleet.core.internal.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleet.CapacityFinding;
import dev.fleet.CapacityReport;
import dev.fleet.CapacityUse;
import dev.fleet.MachineId;
import dev.fleet.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The advice rules at their exact thresholds, on windows built by hand. */
class CapacityAdviceRulesTest {
  private static final long MINUTE = 60_000_000_000L;
  private static final Duration HOUR = Duration.ofHours(1);

  private static History.Window window(long coveredNanos) {
    History.Window w = new History.Window(2);
    w.coveredNanos = coveredNanos;
    return w;
  }

  private static KeyStats key(History.Window w, String key, long machine, long ceiling, long queue) {
    KeyStats s = new KeyStats();
    s.machineNanos = machine;
    s.ceilingNanos = ceiling;
    s.queueNanos = queue;
    w.keys.put(key, s);
    return s;
  }

  private static MachineStats machine(History.Window w, String id, long online, long idle, long ceiling,
      Set<String> caps, String role) {
    MachineStats m = new MachineStats();
    m.onlineNanos = online;
    m.idleNanos = idle;
    m.ceilingNanos = ceiling;
    m.capabilities = caps;
    m.role = role;
    w.machines.put(id, m);
    return m;
  }

  private static List<String> sentences(CapacityReport r) {
    return r.findings().stream().map(CapacityFinding::sentence).toList();
  }

  @Test
  void coveredIsCappedAtTheWindow() {
    assertEquals(HOUR, CapacityAdvice.report(window(2 * 60 * MINUTE), HOUR, Set.of()).covered());
    assertEquals(HOUR, CapacityAdvice.report(window(60 * MINUTE), HOUR, Set.of()).covered());
    assertEquals(Duration.ofMinutes(59), CapacityAdvice.report(window(59 * MINUTE), HOUR, Set.of()).covered());
  }

  @Test
  void aMissingCapabilityNeedsATaskAndNoMachineWithItNow() {
    History.Window w = window(60 * MINUTE);
    key(w, "ctpu", 0, 0, 0).missingTasks = 2;
    w.keys.get("ctpu").missingNanos = 3 * MINUTE;
    key(w, "cfpga", 0, 0, 0).missingNanos = MINUTE; // waited, but no task counted: nothing to say
    key(w, "cgpu", 0, 0, 0).missingTasks = 1; // a machine has it now
    key(w, "rnight", 0, 0, 0).missingTasks = 1; // a role is never missing
    CapacityReport r = CapacityAdvice.report(w, HOUR, Set.of("gpu"));
    assertEquals(List.of(new CapacityFinding.MissingCapability("tpu", 2, Duration.ofMinutes(3))), r.findings());
    assertEquals(List.of(), r.uses()); // none had machine time, finished tasks or queue time
  }

  @Test
  void saturatedAtExactlyHalfTheTimeAtTheCeilingWithWorkQueuedSortedMostFirst() {
    History.Window w = window(60 * MINUTE);
    key(w, "ccpu", 40 * MINUTE, 20 * MINUTE, 30 * MINUTE);
    key(w, "rbuild", 40 * MINUTE, 30 * MINUTE, MINUTE);
    key(w, "cgpu", 40 * MINUTE, 30 * MINUTE, 0); // at the ceiling but nothing queued
    key(w, "cdisk", 40 * MINUTE, 19 * MINUTE, MINUTE); // under half
    CapacityReport r = CapacityAdvice.report(w, HOUR, Set.of("cpu", "gpu", "disk"));
    assertEquals(List.of(
        new CapacityFinding.Saturated("build", true, 0.75, Duration.ZERO, HOUR),
        new CapacityFinding.Saturated("cpu", false, 0.5, Duration.ZERO, HOUR)), r.findings());
    CapacityUse cpu = r.uses().stream().filter(u -> u.name().equals("cpu")).findFirst().orElseThrow();
    assertEquals(0.5, cpu.ceilingShare());
    assertEquals(0.5, cpu.meanQueue());
    assertEquals(List.of(), cpu.series()); // no series kept for it: none drawn
    assertEquals(List.of(Duration.ZERO, Duration.ZERO), cpu.waitSeries());
    assertEquals(4, r.uses().size());
  }

  @Test
  void aUseIsReportedForQueueTimeOrFinishedTasksAlone() {
    History.Window w = window(0);
    key(w, "cq", 0, 0, MINUTE);
    key(w, "cf", 0, 0, 0).finished(2 * MINUTE, MINUTE);
    CapacityReport r = CapacityAdvice.report(w, HOUR, Set.of("q", "f"));
    assertEquals(List.of("f", "q"), r.uses().stream().map(CapacityUse::name).toList());
    CapacityUse q = r.uses().get(1);
    assertEquals(0.0, q.meanQueue()); // nothing covered: no mean
    assertEquals(0.0, q.ceilingShare());
    CapacityUse f = r.uses().get(0);
    assertEquals(1, f.finished());
    assertEquals(Duration.ofNanos(Durations.upper(Durations.bin(2 * MINUTE))), f.p95Wait());
    assertEquals(Duration.ofNanos(Durations.upper(Durations.bin(MINUTE))), f.p95Run());
  }

  @Test
  void seriesAndWaitSeriesAreTakenSliceBySlice() {
    History.Window w = window(60 * MINUTE);
    key(w, "ccpu", 40 * MINUTE, 10 * MINUTE, 0);
    w.series.put("ccpu", new long[][] {{MINUTE, 0}, {4 * MINUTE, 0}});
    Durations d = new Durations();
    d.add(2 * MINUTE);
    w.waitSeries.put("ccpu", new Durations[] {null, d});
    CapacityUse u = CapacityAdvice.report(w, HOUR, Set.of("cpu")).uses().get(0);
    assertEquals(List.of(0.25, 0.0), u.series());
    assertEquals(List.of(Duration.ZERO, Duration.ofNanos(Durations.upper(Durations.bin(2 * MINUTE)))),
        u.waitSeries());
    assertEquals(0.25, u.ceilingShare());
  }

  @Test
  void presenceWaitsOfAMinuteOrMoreAreReportedLongestFirst() {
    History.Window w = window(60 * MINUTE);
    w.presence.put(new Bucket.Presence("a", Reason.ASLEEP), MINUTE);
    w.presence.put(new Bucket.Presence("b", Reason.ON_BATTERY), 5 * MINUTE);
    w.presence.put(new Bucket.Presence("c", Reason.OWNER_ACTIVE), MINUTE - 1);
    CapacityReport r = CapacityAdvice.report(w, HOUR, Set.of());
    assertEquals(List.of(
        new CapacityFinding.PresenceWait(MachineId.of("b"), Reason.ON_BATTERY, Duration.ofMinutes(5)),
        new CapacityFinding.PresenceWait(MachineId.of("a"), Reason.ASLEEP, Duration.ofMinutes(1))), r.findings());
  }

  @Test
  void idleAtExactlyTheThresholdsAndNotWhenNothingIsCovered() {
    History.Window w = window(100 * MINUTE);
    machine(w, "a", 50 * MINUTE, 45 * MINUTE, 0, Set.of("cpu"), "build"); // online exactly half, idle exactly 90%
    machine(w, "b", 49 * MINUTE, 49 * MINUTE, 0, Set.of("cpu"), "build"); // barely there
    machine(w, "c", 100 * MINUTE, 89 * MINUTE, 0, Set.of("cpu"), "other"); // under 90% idle
    CapacityReport r = CapacityAdvice.report(w, HOUR, Set.of());
    assertEquals(List.of(new CapacityFinding.IdleMachine(MachineId.of("a"), 0.9, Optional.empty())), r.findings());

    History.Window empty = window(0);
    machine(empty, "z", 0, 0, 0, Set.of("cpu"), "build");
    assertEquals(List.of(), CapacityAdvice.report(empty, HOUR, Set.of()).findings());
  }

  @Test
  void anIdleMachinesWorkFitsOnTheLeastBusyMachineOnlineHalfTheTime() {
    History.Window w = window(100 * MINUTE);
    machine(w, "idle", 100 * MINUTE, 100 * MINUTE, 0, Set.of("cpu"), "build");
    machine(w, "busy", 100 * MINUTE, 0, 40 * MINUTE, Set.of("cpu", "gpu"), "build");
    machine(w, "calm", 50 * MINUTE, 0, 5 * MINUTE, Set.of("cpu"), "build"); // online exactly half, 10% at ceiling
    machine(w, "brief", 49 * MINUTE, 0, 0, Set.of("cpu"), "build"); // barely there: not a host
    machine(w, "other", 100 * MINUTE, 0, 0, Set.of("cpu"), "night"); // another role: not a host
    CapacityReport r = CapacityAdvice.report(w, HOUR, Set.of());
    assertEquals(List.of(new CapacityFinding.IdleMachine(MachineId.of("idle"), 1.0,
        Optional.of(MachineId.of("calm")))), r.findings());
  }

  @Test
  void idleMachinesAreListedIdlestFirst() {
    History.Window w = window(100 * MINUTE);
    machine(w, "a", 100 * MINUTE, 91 * MINUTE, 0, Set.of("x"), "r1");
    machine(w, "b", 100 * MINUTE, 99 * MINUTE, 0, Set.of("y"), "r2");
    CapacityReport r = CapacityAdvice.report(w, HOUR, Set.of());
    assertEquals(List.of(
        new CapacityFinding.IdleMachine(MachineId.of("b"), 0.99, Optional.empty()),
        new CapacityFinding.IdleMachine(MachineId.of("a"), 0.91, Optional.empty())), r.findings());
  }
}
