package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Linux CPU busy probe on /proc/stat and /proc/loadavg files recorded on a 2-CPU VM. */
class CpuBusyProbeTest {
  @TempDir
  Path root;

  private Probe.Reading readWith(Probe probe, String statFixture) throws Exception {
    ProbeFixtures.write(root, "proc/stat", ProbeFixtures.text("linux/" + statFixture));
    return probe.read();
  }

  @Test
  void theFirstReadingHasNoIntervalSoNoLoadButTheLoadAverage() throws Exception {
    ProbeFixtures.write(root, "proc/loadavg", ProbeFixtures.text("linux/proc-loadavg-vm.txt"));
    Probe.Reading first = readWith(LinuxProbes.cpuBusy(root), "proc-stat-vm-2cpu-1.txt");
    assertEquals(OptionalDouble.empty(), first.load());
    assertEquals(Map.of("cpu.load1", 0.27), first.metrics());
  }

  @Test
  void anIdleMachineReadsTheShareOfTicksItWasBusy() throws Exception {
    Probe probe = LinuxProbes.cpuBusy(root);
    readWith(probe, "proc-stat-vm-2cpu-1.txt");
    // 1 user tick, 599 idle ticks between the two recordings
    Probe.Reading r = readWith(probe, "proc-stat-vm-2cpu-2.txt");
    assertEquals(1.0 / 600, r.load().getAsDouble(), 1e-12);
    assertEquals(1.0 / 600, r.metrics().get("cpu.busy"), 1e-12);
    assertFalse(r.metrics().containsKey("cpu.load1"), "no /proc/loadavg here");
  }

  @Test
  void oneBusyCoreOfTwoReadsAboutHalf() throws Exception {
    Probe probe = LinuxProbes.cpuBusy(root);
    readWith(probe, "proc-stat-vm-busy-1.txt");
    // user +300, system +2, idle +299: a shell loop kept one of the two CPUs busy for 3 s
    Probe.Reading r = readWith(probe, "proc-stat-vm-busy-2.txt");
    assertEquals(302.0 / 601, r.load().getAsDouble(), 1e-12);
  }

  @Test
  void twoReadingsInTheSameTickHaveNoIntervalAndReportNoLoad() throws Exception {
    Probe probe = LinuxProbes.cpuBusy(root);
    readWith(probe, "proc-stat-vm-busy-2.txt");
    assertEquals(OptionalDouble.empty(), readWith(probe, "proc-stat-vm-busy-2.txt").load());
    assertEquals(Probe.Reading.NONE, readWith(probe, "proc-stat-vm-busy-2.txt"));
  }

  @Test
  void countersThatGoBackwardsCountAsNoTimeNotNegativeTime() throws Exception {
    Probe probe = LinuxProbes.cpuBusy(root);
    ProbeFixtures.write(root, "proc/stat", "cpu  1000 0 100 5000 800 0 0 0 0 0\n");
    probe.read();
    // iowait fell by 300 (some kernels do that); user +50, idle +50
    ProbeFixtures.write(root, "proc/stat", "cpu  1050 0 100 5050 500 0 0 0 0 0\n");
    assertEquals(0.5, probe.read().load().getAsDouble(), 1e-12);
    // everything fell (a new boot under the same probe root): no interval
    ProbeFixtures.write(root, "proc/stat", "cpu  10 0 1 50 5 0 0 0 0 0\n");
    assertEquals(OptionalDouble.empty(), probe.read().load());
  }

  @Test
  void anOldKernelWithFewerColumnsStillReads() throws Exception {
    Probe probe = LinuxProbes.cpuBusy(root);
    readWith(probe, "proc-stat-old-kernel-4-columns.txt");
    ProbeFixtures.write(root, "proc/stat", "cpu  4805 356 584 3799 23\n");
    assertEquals(0.5, probe.read().load().getAsDouble(), 1e-12);
  }

  @Test
  void stealIsBusyAndGuestIsNotCountedTwice() throws Exception {
    Probe probe = LinuxProbes.cpuBusy(root);
    ProbeFixtures.write(root, "proc/stat", "cpu  100 0 0 100 0 0 0 0 0 0\n");
    probe.read();
    // user +40 of which guest +40, steal +20, idle +40: busy 60 of 100
    ProbeFixtures.write(root, "proc/stat", "cpu  140 0 0 140 0 0 0 20 40 0\n");
    assertEquals(0.6, probe.read().load().getAsDouble(), 1e-12);
  }

  @Test
  void missingFilesReadNothingAndGarbageNamesTheFile() throws Exception {
    assertEquals(Probe.Reading.NONE, LinuxProbes.cpuBusy(root).read());
    ProbeFixtures.write(root, "proc/stat", "cpu  12 zero 3 4\n");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> LinuxProbes.cpuBusy(root).read());
    assertTrue(e.getMessage().contains("proc/stat") && e.getMessage().contains("(zero)"), e.getMessage());
    ProbeFixtures.write(root, "proc/stat", "intr 1 2 3\n");
    e = assertThrows(IllegalStateException.class, () -> LinuxProbes.cpuBusy(root).read());
    assertTrue(e.getMessage().contains("no aggregate 'cpu' line"), e.getMessage());
    ProbeFixtures.write(root, "proc/stat", ProbeFixtures.text("linux/proc-stat-vm-2cpu-1.txt"));
    ProbeFixtures.write(root, "proc/loadavg", "high\n");
    e = assertThrows(IllegalStateException.class, () -> LinuxProbes.cpuBusy(root).read());
    assertTrue(e.getMessage().contains("'high'"), e.getMessage());
  }

  @Test
  void theDefaultLinuxProbesUseTheBusyFractionNotTheLoadAverage() {
    assertTrue(LinuxProbes.all(root).get(0).toString().startsWith("cpu busy"), LinuxProbes.all(root).toString());
  }
}
