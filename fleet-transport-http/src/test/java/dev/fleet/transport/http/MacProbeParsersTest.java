package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The macOS parsers on outputs of {@code pmset -g batt}, {@code pmset -g therm}, {@code ioreg -c IOHIDSystem} and
 * {@code top -l 2 -n 0}, written from the formats pmset's source and Apple's tools print (see
 * src/test/resources/probes/README.md).
 */
class MacProbeParsersTest {

  private static Probe.Reading batt(String fixture) {
    return PmsetBattery.parse(ProbeFixtures.text("macos/" + fixture)).reading();
  }

  @Test
  void aLaptopOnAcPowerIsNotOnBatteryWhetherChargedChargingOrHeld() {
    for (String f : new String[] {"pmset-batt-ac-charged.txt", "pmset-batt-ac-charging.txt",
        "pmset-batt-ac-not-charging.txt", "pmset-batt-service-recommended.txt"}) {
      assertEquals(Optional.of(false), batt(f).onBattery(), f);
    }
    assertEquals(OptionalInt.of(100), batt("pmset-batt-ac-charged.txt").batteryPercent());
    assertEquals(OptionalInt.of(57), batt("pmset-batt-ac-charging.txt").batteryPercent());
    assertEquals(OptionalInt.of(80), batt("pmset-batt-ac-not-charging.txt").batteryPercent());
    assertEquals(OptionalInt.of(92), batt("pmset-batt-service-recommended.txt").batteryPercent());
    assertEquals(Map.of("battery.warning", 0.0), batt("pmset-batt-ac-charged.txt").metrics());
  }

  @Test
  void aDischargingLaptopIsOnBatteryWithOrWithoutAnEstimate() {
    Probe.Reading r = batt("pmset-batt-discharging.txt");
    assertEquals(Optional.of(true), r.onBattery());
    assertEquals(OptionalInt.of(85), r.batteryPercent());
    assertEquals(OptionalInt.of(64), batt("pmset-batt-discharging-no-estimate.txt").batteryPercent());
    assertEquals(Optional.of(true), batt("pmset-batt-discharging-no-estimate.txt").onBattery());
  }

  @Test
  void lowBatteryWarningsAreReportedAsAMetric() {
    Probe.Reading early = batt("pmset-batt-warning-early.txt");
    assertEquals(OptionalInt.of(19), early.batteryPercent());
    assertEquals(1.0, early.metrics().get("battery.warning"));
    Probe.Reading last = batt("pmset-batt-warning-final.txt");
    assertEquals(OptionalInt.of(4), last.batteryPercent());
    assertEquals(2.0, last.metrics().get("battery.warning"));
  }

  @Test
  void aMacWithoutBatteryReadsNothingButOneOnAUpsIsOnBattery() {
    assertEquals(Probe.Reading.NONE, batt("pmset-batt-mac-mini.txt"));
    Probe.Reading ups = batt("pmset-batt-ups-desktop.txt");
    assertEquals(Optional.of(true), ups.onBattery());
    assertEquals(OptionalInt.of(40), ups.batteryPercent());
  }

  @Test
  void batteryOutputWithoutItsFirstLineIsAnError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PmsetBattery.parse("pmset: command not supported\n"));
    assertTrue(e.getMessage().contains("Now drawing from") && e.getMessage().contains("not supported"),
        e.getMessage());
  }

  private static PmsetThermal therm(String fixture) {
    return PmsetThermal.parse(ProbeFixtures.text("macos/" + fixture));
  }

  @Test
  void aCoolMacIsNotThrottled() {
    PmsetThermal cool = therm("pmset-therm-cool.txt");
    assertFalse(cool.throttled());
    assertEquals(Optional.of(false), cool.reading().throttled());
    assertEquals(Map.of("thermal.level", 0.0), cool.reading().metrics());
    PmsetThermal intel = therm("pmset-therm-cool-intel.txt");
    assertFalse(intel.throttled());
    assertEquals(1.0, intel.reading().metrics().get("cpu.speed.limit"));
  }

  @Test
  void aSpeedLimitOrAWarningLevelIsThrottling() {
    PmsetThermal hot = therm("pmset-therm-throttled-intel.txt");
    assertTrue(hot.throttled());
    assertEquals(OptionalInt.of(70), hot.thermalLevel());
    assertEquals(0.62, hot.reading().metrics().get("cpu.speed.limit"), 1e-12);
    PmsetThermal warm = therm("pmset-therm-warning-apple-silicon.txt");
    assertTrue(warm.throttled());
    assertEquals(OptionalInt.of(1), warm.thermalLevel());
    assertEquals(OptionalInt.of(0), warm.performanceLevel());
    assertTrue(PmsetThermal.parse("\tCPU_Scheduler_Limit \t= 50\n").throttled(), "the scheduler limit counts too");
  }

  @Test
  void thermalOutputThatSaysNothingKnownIsAnErrorNotACoolMachine() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PmsetThermal.parse("Error: No thermal warning level with error code 0xe00002c7\n"));
    assertTrue(e.getMessage().contains("0xe00002c7"), e.getMessage());
  }

  @Test
  void ownerIdleIsHidIdleTimeInNanoseconds() {
    Probe.Reading r = IoregIdle.reading(ProbeFixtures.text("macos/ioreg-iohidsystem.txt"));
    assertEquals(Optional.of(Duration.ofNanos(42_718_462_083L)), r.ownerIdle());
    assertEquals(Duration.ofNanos(Long.MAX_VALUE), IoregIdle.parse("\"HIDIdleTime\" = 99999999999999999999"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> IoregIdle.parse("+-o Root\n"));
    assertTrue(e.getMessage().contains("HIDIdleTime"), e.getMessage());
  }

  @Test
  void cpuBusyIsTheLastTopSample() {
    TopCpuUsage top = TopCpuUsage.parse(ProbeFixtures.text("macos/top-l2-n0.txt"));
    assertEquals(0.675, top.busy(), 1e-12);
    assertEquals(OptionalDouble.of(2.53), top.load1());
    Probe.Reading r = top.reading();
    assertEquals(0.675, r.load().getAsDouble(), 1e-12);
    assertEquals(Map.of("cpu.busy", 0.675, "cpu.load1", 2.53), r.metrics());
    assertEquals(0.0, TopCpuUsage.parse("CPU usage: 0.0% user, 0.0% sys, 100.0% idle\n").busy());
    assertEquals(0.0, TopCpuUsage.parse("CPU usage: 0.0% user, 0.0% sys, 100.5% idle\n").busy(), "never below 0");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TopCpuUsage.parse("Processes: 3\n"));
    assertTrue(e.getMessage().contains("CPU usage"), e.getMessage());
  }
}
