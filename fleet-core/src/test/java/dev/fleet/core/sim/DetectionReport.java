package dev.fleet.core.sim;

import dev.fleet.testing.sim.Fault;
import dev.fleet.testing.sim.FaultSchedule;
import dev.fleet.testing.sim.FleetFactory;
import dev.fleet.testing.sim.FleetSimulator;
import dev.fleet.testing.sim.PauseModel;
import dev.fleet.testing.sim.SimulationResult;
import dev.fleet.testing.sim.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Measures the shipped failure detectors on simulated fleets and prints a markdown table: how fast a crashed
 * machine is declared offline, how often a live one is wrongly declared offline under heartbeat jitter and
 * pauses, and how soon a crashed machine's work runs elsewhere.
 *
 * <p>For each heartbeat interval and acceptable pause P it runs the phi-accrual detector ({@code
 * Detectors.phiAccrual(P)}) and a fixed timeout set comparably (suspect after P + 1 interval, offline after
 * P + 2 intervals) on the same runs: same seeds, crashes, pauses, jitter and tasks. Each setup is run three
 * times: with pauses of up to 2 s, up to P, and up to 2P (past what the detectors are told to accept, to show
 * that false verdicts are seen when they happen). Detection and time-to-work-elsewhere come from the
 * pauses-up-to-P run, the harder one. Retries use the default reschedule policy, which waits 1 s before the
 * second attempt. Run with {@code main} (full size) or through {@code DetectionReportTest} (reduced).
 *
 * <p>Not thread-safe; each call runs its simulations on the calling thread.
 */
public final class DetectionReport {

  /** An interval and the acceptable pause P the detectors are given. */
  record Setup(Duration interval, Duration acceptablePause) {
    Duration target() {
      return acceptablePause.plus(interval.multipliedBy(2));
    }
  }

  /** How much to simulate. */
  record Scale(int machines, Duration length, Duration meanTimeBetweenCrashes, double pausesPerMachineHour, long seed) {
    /** What {@code main} runs: 24 machines for 4 hours per run. */
    static final Scale FULL = new Scale(24, Duration.ofHours(4), Duration.ofMinutes(15), 12, 42);
    /** What the test runs: 12 machines for 2 hours, crashing more often. */
    static final Scale REDUCED = new Scale(12, Duration.ofHours(2), Duration.ofMinutes(6), 12, 7);
  }

  /** One detector on one setup. */
  record Row(String detector, Setup setup, int crashes, int undetected, Duration medianDetect, Duration p99Detect,
      double falsePerHourUpTo2s, double falsePerHourUpToP, double falsePerHourUpTo2P, double machineHours,
      Duration medianWorkElsewhere, Duration p99WorkElsewhere, int crashesWithWork) {}

  static final List<Setup> SETUPS = List.of(
      new Setup(Duration.ofSeconds(1), Duration.ofSeconds(3)),
      new Setup(Duration.ofSeconds(5), Duration.ofSeconds(3)),
      new Setup(Duration.ofSeconds(5), Duration.ofSeconds(10)));

  private DetectionReport() {}

  public static void main(String[] args) {
    System.out.println(markdown(measure(Scale.FULL), Scale.FULL));
  }

  static List<Row> measure(Scale scale) {
    List<Row> rows = new ArrayList<>();
    for (Setup s : SETUPS) {
      Duration i = s.interval();
      Duration p = s.acceptablePause();
      rows.add(row("phi-accrual", s, scale, SimFleets.phi(i, p)));
      rows.add(row("fixed-timeout", s, scale, SimFleets.fixedTimeout(i, p.plus(i), p.plus(i.multipliedBy(2)))));
    }
    return rows;
  }

  private static Row row(String name, Setup s, Scale scale, FleetFactory fleet) {
    SimulationResult upTo2s = simulate(s, scale, fleet, Duration.ofSeconds(2));
    SimulationResult upToP = simulate(s, scale, fleet, s.acceptablePause());
    SimulationResult upTo2P = simulate(s, scale, fleet, s.acceptablePause().multipliedBy(2));
    List<Duration> detect = new ArrayList<>();
    List<Duration> elsewhere = new ArrayList<>();
    int undetected = 0;
    for (SimulationResult.CrashRecord c : upToP.crashes()) {
      Optional<Duration> d = c.detection();
      if (d.isPresent()) {
        detect.add(d.get());
      } else {
        undetected++;
      }
      c.allWorkRunningAgain().ifPresent(elsewhere::add);
    }
    return new Row(name, s, upToP.crashes().size(), undetected, percentile(detect, 0.5), percentile(detect, 0.99),
        upTo2s.falseVerdictsPerMachineHour(), upToP.falseVerdictsPerMachineHour(),
        upTo2P.falseVerdictsPerMachineHour(), upToP.machineHours(), percentile(elsewhere, 0.5), percentile(elsewhere, 0.99),
        elsewhere.size());
  }

  static SimulationResult simulate(Setup s, Scale scale, FleetFactory fleet, Duration longestPause) {
    return FleetSimulator.newBuilder(fleet)
        .seed(scale.seed())
        .machines(scale.machines())
        .heartbeatInterval(s.interval())
        .duration(scale.length())
        .pauses(PauseModel.uniform(scale.pausesPerMachineHour(), Duration.ofMillis(100), longestPause))
        .faults(crashes(scale, new SplittableRandom(scale.seed())))
        .workload(Workload.steady(scale.machines()).withRunTimes(Duration.ofMinutes(1), Duration.ofMinutes(5)))
        .build()
        .run();
  }

  /**
   * Each machine crashes now and then, after a 5 minute warm-up: it stays down 30 to 90 s (longer than any
   * detection takes), and runs at least 2 minutes before it may crash again.
   */
  static FaultSchedule crashes(Scale scale, SplittableRandom random) {
    List<Fault> faults = new ArrayList<>();
    long end = scale.length().toNanos();
    double mean = scale.meanTimeBetweenCrashes().toNanos();
    for (int m = 0; m < scale.machines(); m++) {
      long t = Duration.ofMinutes(5).toNanos() + (long) (-Math.log(1 - random.nextDouble()) * mean);
      while (true) {
        long down = Duration.ofSeconds(30).toNanos() + random.nextLong(Duration.ofSeconds(60).toNanos());
        if (t + down >= end) {
          break;
        }
        faults.add(new Fault.Crash(m, Duration.ofNanos(t)));
        faults.add(new Fault.Restart(m, Duration.ofNanos(t + down)));
        t += down + Duration.ofMinutes(2).toNanos() + (long) (-Math.log(1 - random.nextDouble()) * mean);
      }
    }
    return FaultSchedule.of(faults);
  }

  /** Nearest-rank percentile; zero for no samples. */
  static Duration percentile(List<Duration> samples, double p) {
    if (samples.isEmpty()) {
      return Duration.ZERO;
    }
    List<Duration> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  static String markdown(List<Row> rows, Scale scale) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%d machines, %d h per run (%.0f machine-hours alive), a crash per machine"
            + " every %d min on average (down 30-90 s), %.0f pauses per machine-hour, heartbeat jitter +-10%% of the"
            + " interval, retries after the default 1 s, seed %d%n%n",
        scale.machines(), scale.length().toHours(), rows.isEmpty() ? 0 : rows.get(0).machineHours(),
        scale.meanTimeBetweenCrashes().toMinutes(), scale.pausesPerMachineHour(), scale.seed()));
    sb.append("| detector | interval | P | target P+2i | crashes | median detect | p99 detect "
        + "| false OFFLINE /machine-h, pauses <= 2 s | pauses <= P | pauses <= 2P (beyond the target) "
        + "| work running elsewhere, median | p99 |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d%s | %s | %s | %.3f | %.3f | %.3f | %s | %s |%n",
          r.detector(), secs(r.setup().interval()), secs(r.setup().acceptablePause()), secs(r.setup().target()),
          r.crashes(), r.undetected() == 0 ? "" : " (" + r.undetected() + " undetected)", secs(r.medianDetect()),
          secs(r.p99Detect()), r.falsePerHourUpTo2s(), r.falsePerHourUpToP(), r.falsePerHourUpTo2P(),
          secs(r.medianWorkElsewhere()),
          secs(r.p99WorkElsewhere())));
    }
    return sb.toString();
  }

  private static String secs(Duration d) {
    double s = d.toNanos() / 1e9;
    return s == Math.rint(s) && s >= 1 ? String.format(Locale.ROOT, "%.0f s", s) : String.format(Locale.ROOT, "%.2f s", s);
  }
}
