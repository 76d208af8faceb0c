package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in probes, each on a fake /proc and /sys tree. */
class LinuxProbesTest {
  @TempDir
  Path root;

  private void write(String path, String content) throws Exception {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void cpuLoadIsTheOneMinuteAverageOverTheCores() throws Exception {
    write("proc/loadavg", "3.00 2.50 2.00 4/812 12345\n");
    Probe.Reading r = LinuxProbes.cpuLoad(root, 4).read();
    assertEquals(0.75, r.load().getAsDouble(), 1e-9);
    assertEquals(Map.of("cpu.load1", 3.0), r.metrics());
  }

  @Test
  void cpuLoadWithoutTheFileReadsNothingAndGarbageIsAnError() throws Exception {
    assertEquals(Probe.Reading.NONE, LinuxProbes.cpuLoad(root, 2).read());
    write("proc/loadavg", "busy\n");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> LinuxProbes.cpuLoad(root, 2).read());
    assertTrue(e.getMessage().contains("'busy'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LinuxProbes.cpuLoad(root, 0));
  }

  @Test
  void aDischargingLaptopIsOnBattery() throws Exception {
    write("sys/class/power_supply/AC/type", "Mains\n");
    write("sys/class/power_supply/AC/online", "0\n");
    write("sys/class/power_supply/BAT0/type", "Battery\n");
    write("sys/class/power_supply/BAT0/capacity", "42\n");
    write("sys/class/power_supply/BAT0/status", "Discharging\n");
    Probe.Reading r = LinuxProbes.battery(root).read();
    assertEquals(Optional.of(true), r.onBattery());
    assertEquals(OptionalInt.of(42), r.batteryPercent());
  }

  @Test
  void aChargingLaptopOnMainsIsNotOnBattery() throws Exception {
    write("sys/class/power_supply/AC/type", "Mains\n");
    write("sys/class/power_supply/AC/online", "1\n");
    write("sys/class/power_supply/BAT0/type", "Battery\n");
    write("sys/class/power_supply/BAT0/capacity", "80\n");
    write("sys/class/power_supply/BAT0/status", "Charging\n");
    write("sys/class/power_supply/BAT1/type", "Battery\n");
    write("sys/class/power_supply/BAT1/capacity", "65\n");
    Probe.Reading r = LinuxProbes.battery(root).read();
    assertEquals(Optional.of(false), r.onBattery());
    assertEquals(OptionalInt.of(65), r.batteryPercent(), "the lowest battery");
  }

  @Test
  void aDesktopWithoutBatteryReadsNothing() throws Exception {
    write("sys/class/power_supply/AC/type", "Mains\n");
    write("sys/class/power_supply/AC/online", "1\n");
    assertEquals(Probe.Reading.NONE, LinuxProbes.battery(root).read());
    assertEquals(Probe.Reading.NONE, LinuxProbes.battery(root.resolve("missing")).read());
  }

  @Test
  void aZoneAtItsPassiveTripPointIsThrottled() throws Exception {
    write("sys/class/thermal/thermal_zone0/temp", "55000\n");
    write("sys/class/thermal/thermal_zone0/trip_point_0_type", "passive\n");
    write("sys/class/thermal/thermal_zone0/trip_point_0_temp", "90000\n");
    write("sys/class/thermal/thermal_zone1/temp", "96500\n");
    write("sys/class/thermal/thermal_zone1/trip_point_0_type", "active\n");
    write("sys/class/thermal/thermal_zone1/trip_point_0_temp", "50000\n");
    write("sys/class/thermal/thermal_zone1/trip_point_1_type", "passive\n");
    write("sys/class/thermal/thermal_zone1/trip_point_1_temp", "95000\n");
    write("sys/class/thermal/thermal_zone1/trip_point_2_type", "critical\n");
    write("sys/class/thermal/thermal_zone1/trip_point_2_temp", "105000\n");
    Probe.Reading r = LinuxProbes.thermal(root).read();
    assertEquals(Optional.of(true), r.throttled());
    assertEquals(96.5, r.metrics().get("cpu.temp"), 1e-9);
  }

  @Test
  void aCoolZoneAboveOnlyItsFanTripIsNotThrottled() throws Exception {
    write("sys/class/thermal/thermal_zone0/temp", "60000\n");
    write("sys/class/thermal/thermal_zone0/trip_point_0_type", "active\n");
    write("sys/class/thermal/thermal_zone0/trip_point_0_temp", "50000\n");
    write("sys/class/thermal/thermal_zone0/trip_point_1_type", "hot\n");
    write("sys/class/thermal/thermal_zone0/trip_point_1_temp", "100000\n");
    Probe.Reading r = LinuxProbes.thermal(root).read();
    assertEquals(Optional.of(false), r.throttled());
    assertEquals(60.0, r.metrics().get("cpu.temp"), 1e-9);
  }

  @Test
  void aCpuHeldBelowItsMaximumFrequencyIsThrottled() throws Exception {
    write("sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "4000000\n");
    write("sys/devices/system/cpu/cpu0/cpufreq/scaling_max_freq", "4000000\n");
    write("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "2000000\n");
    write("sys/devices/system/cpu/cpu1/cpufreq/cpuinfo_max_freq", "4000000\n");
    write("sys/devices/system/cpu/cpu1/cpufreq/scaling_max_freq", "4000000\n");
    write("sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq", "4000000\n");
    Probe.Reading free = LinuxProbes.thermal(root).read();
    assertEquals(Optional.of(false), free.throttled());
    assertEquals(0.75, free.metrics().get("cpu.freq.ratio"), 1e-9);
    write("sys/devices/system/cpu/cpu1/cpufreq/scaling_max_freq", "1600000\n");
    assertEquals(Optional.of(true), LinuxProbes.thermal(root).read().throttled());
  }

  @Test
  void aMachineWithoutThermalFilesReadsNothing() throws Exception {
    assertEquals(Probe.Reading.NONE, LinuxProbes.thermal(root).read());
  }
}
