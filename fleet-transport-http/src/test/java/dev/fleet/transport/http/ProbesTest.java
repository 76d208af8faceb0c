package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.spi.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which probes an agent gets on each system, run against recorded files and fake commands. */
class ProbesTest {
  @TempDir
  Path dir;

  @Test
  void windowsHasNoProbesAndSaysSo() {
    Probes p = Probes.forSystem("Windows 11", dir, List.of(), Clock.systemUTC(), Ticker.system());
    assertEquals(List.of(), p.probes());
    assertEquals(List.of("no probes for Windows 11: CPU load, battery, heat and owner idle time are not read "
        + "(probes exist for Linux and macOS); the coordinator sees only this agent's busy slots"), p.notes());
    assertEquals("probes for Windows 11: none", p.describe());
  }

  @Test
  void linuxReadsTheCpuBusyFractionFromItsFirstHeartbeatOn() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    ProbeFixtures.write(root, "proc/stat", ProbeFixtures.text("linux/proc-stat-vm-busy-1.txt"));
    ProbeFixtures.write(root, "proc/loadavg", ProbeFixtures.text("linux/proc-loadavg-vm.txt"));
    Probes p = Probes.forSystem("Linux", root, List.of(bin), Clock.systemUTC(), Ticker.system());
    assertEquals(4, p.probes().size());
    assertTrue(p.describe().startsWith("probes for Linux: cpu busy"), p.describe());
    assertEquals(List.of(LinuxOwnerIdle.UNKNOWN + " (no loginctl); the coordinator treats the owner as away"),
        p.notes());
    ProbeFixtures.write(root, "proc/stat", ProbeFixtures.text("linux/proc-stat-vm-busy-2.txt"));
    Probe.Reading first = p.probes().get(0).read(); // the factory took the reading before it
    assertEquals(302.0 / 601, first.load().getAsDouble(), 1e-12);
  }

  @Test
  void linuxWithoutProcSaysTheCpuLoadIsUnknown() {
    Probes p = Probes.forSystem("Linux", dir.resolve("nothing"), List.of(), Clock.systemUTC(), Ticker.system());
    assertTrue(p.notes().get(0).startsWith("CPU load unknown on this machine: "), p.notes().toString());
  }

  @Test
  void aMacRunsPmsetIoregAndTopAndTheFirstHeartbeatHasTheirAnswers() {
    ProbeFixtures.write(dir, "batt.out", ProbeFixtures.text("macos/pmset-batt-warning-early.txt"));
    ProbeFixtures.write(dir, "therm.out", ProbeFixtures.text("macos/pmset-therm-throttled-intel.txt"));
    ProbeFixtures.script(dir, "pmset", "cat \"$(dirname \"$0\")/$2.out\"");
    ProbeFixtures.printing(dir, "ioreg", "macos/ioreg-iohidsystem.txt");
    ProbeFixtures.printing(dir, "top", "macos/top-l2-n0.txt");
    Probes p = Probes.forSystem("Mac OS X", dir, List.of(dir), Clock.systemUTC(), Ticker.system());
    assertEquals(List.of(), p.notes());
    assertEquals("probes for Mac OS X: cpu busy (top -l 2 -n 0 -s 1), battery (pmset -g batt), heat (pmset -g "
        + "therm), owner idle (ioreg -c IOHIDSystem)", p.describe());
    Await.until(Duration.ofSeconds(10), () -> p.probes().stream().noneMatch(ProbesTest::empty),
        () -> "not every probe answered: " + p.probes());
    Probe.Reading cpu = read(p.probes().get(0));
    assertEquals(0.675, cpu.load().getAsDouble(), 1e-12);
    Probe.Reading battery = read(p.probes().get(1));
    assertEquals(Optional.of(true), battery.onBattery());
    assertEquals(OptionalInt.of(19), battery.batteryPercent());
    assertEquals(Optional.of(true), read(p.probes().get(2)).throttled());
    assertEquals(Optional.of(Duration.ofNanos(42_718_462_083L)), read(p.probes().get(3)).ownerIdle());
  }

  @Test
  void aMacWithoutItsToolsSaysWhatItCannotRead() {
    Probes p = Probes.forSystem("Darwin", dir, List.of(dir), Clock.systemUTC(), Ticker.system());
    assertEquals(List.of(), p.probes());
    assertEquals(List.of("CPU load unknown on this machine: no top command",
        "battery and heat unknown on this machine: no pmset command",
        "owner idle time unknown on this machine: no ioreg command; the coordinator treats the owner as away"),
        p.notes());
  }

  private static boolean empty(Probe p) {
    return read(p).equals(Probe.Reading.NONE);
  }

  private static Probe.Reading read(Probe p) {
    try {
      return p.read();
    } catch (Exception e) {
      throw new AssertionError(p + " failed", e);
    }
  }
}
