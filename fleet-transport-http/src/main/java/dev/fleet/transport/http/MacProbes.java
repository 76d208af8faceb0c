package dev.fleet.transport.http;

import dev.fleet.spi.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The built-in probes for macOS, each running a system command in the background and parsing what it prints
 * (a heartbeat never waits for one; each run is stopped after a few seconds):
 *
 * <ul>
 *   <li>{@link #battery}: {@code pmset -g batt}: on battery when drawing from {@code Battery Power} or
 *       {@code UPS Power}; the lowest internal battery's charge; metric {@code battery.warning} (0 none,
 *       1 early, 2 final low-battery warning). A Mac without a battery reads nothing.
 *   <li>{@link #thermal}: {@code pmset -g therm}: throttled when a thermal or performance warning level is
 *       recorded or the CPU speed or scheduler limit is below 100%; metrics {@code thermal.level} and
 *       {@code cpu.speed.limit} (fraction of full speed).
 *   <li>{@link #ownerIdle}: {@code ioreg -c IOHIDSystem}: {@code HIDIdleTime}, the time since the last
 *       keyboard, mouse or trackpad input.
 *   <li>{@link #cpuBusy}: {@code top -l 2 -n 0 -s 1}: the busy fraction of all CPUs over one second, as load;
 *       metrics {@code cpu.busy} and {@code cpu.load1}.
 * </ul>
 *
 * <p>Each probe answers at once with its command's last parsed output, which it runs again in the background once
 * that is a few seconds old; before the first run has finished it reads nothing, and when the last run failed
 * (the command is missing, timed out, or printed something it cannot parse) and no recent answer is left, its
 * reading throws {@link IllegalStateException} saying why, which the agent logs and skips. The commands run from
 * their fixed paths under {@code /usr/bin} and {@code /usr/sbin}; {@link Probes#forThisMachine()} finds them on
 * the {@code PATH} instead, and waits for their first answers.
 *
 * <p>Thread-safe: probes may be read from any thread; the commands run on shared daemon threads named
 * {@code fleet-probe}.
 *
 * @see Probes#forThisMachine() which picks these on a Mac
 */
public final class MacProbes {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private MacProbes() {}

  /**
   * Power source and battery charge, from {@code /usr/bin/pmset -g batt}, run again once its answer is 5 seconds
   * old.
   *
   * @return a new probe; its first reading starts the command and reads nothing
   */
  public static Probe battery() {
    return battery(Path.of("/usr/bin/pmset"), Ticker.system());
  }

  /**
   * Thermal pressure, from {@code /usr/bin/pmset -g therm}, run again once its answer is 10 seconds old.
   *
   * @return a new probe; its first reading starts the command and reads nothing
   */
  public static Probe thermal() {
    return thermal(Path.of("/usr/bin/pmset"), Ticker.system());
  }

  /**
   * Time since the owner's last keyboard, mouse or trackpad input, from {@code /usr/sbin/ioreg -c IOHIDSystem},
   * run again once its answer is 2 seconds old.
   *
   * @return a new probe; its first reading starts the command and reads nothing
   */
  public static Probe ownerIdle() {
    return ownerIdle(Path.of("/usr/sbin/ioreg"), Ticker.system());
  }

  /**
   * CPU busy fraction over one second, from {@code /usr/bin/top -l 2 -n 0 -s 1} (two samples a second apart),
   * run again once its answer is 4 seconds old.
   *
   * @return a new probe; its first reading starts the command and reads nothing
   */
  public static Probe cpuBusy() {
    return cpuBusy(Path.of("/usr/bin/top"), Ticker.system());
  }

  /**
   * CPU busy fraction, battery, heat and owner idle time: {@link #cpuBusy()}, {@link #battery()},
   * {@link #thermal()} and {@link #ownerIdle()}.
   *
   * @return four new probes, in that order, none of them started yet
   */
  public static List<Probe> all() {
    return List.of(cpuBusy(), battery(), thermal(), ownerIdle());
  }

  static CommandProbe battery(Path pmset, Ticker ticker) {
    return new CommandProbe("battery (pmset -g batt)", List.of(str(pmset), "-g", "batt"),
        out -> PmsetBattery.parse(out).reading(), TIMEOUT, Duration.ofSeconds(5), ticker);
  }

  static CommandProbe thermal(Path pmset, Ticker ticker) {
    return new CommandProbe("heat (pmset -g therm)", List.of(str(pmset), "-g", "therm"),
        out -> PmsetThermal.parse(out).reading(), TIMEOUT, Duration.ofSeconds(10), ticker);
  }

  static CommandProbe ownerIdle(Path ioreg, Ticker ticker) {
    return new CommandProbe("owner idle (ioreg -c IOHIDSystem)", List.of(str(ioreg), "-c", "IOHIDSystem"),
        IoregIdle::reading, TIMEOUT, Duration.ofSeconds(2), ticker);
  }

  static CommandProbe cpuBusy(Path top, Ticker ticker) {
    // two samples a second apart: the first one's CPU usage is not over a real interval
    return new CommandProbe("cpu busy (top -l 2 -n 0 -s 1)", List.of(str(top), "-l", "2", "-n", "0", "-s", "1"),
        out -> TopCpuUsage.parse(out).reading(), TIMEOUT, Duration.ofSeconds(4), ticker);
  }

  private static String str(Path p) {
    return Objects.requireNonNull(p, "command").toString();
  }
}
