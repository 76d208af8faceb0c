package dev.fleet.core.internal;

import dev.fleet.Priority;
import dev.fleet.spi.FailureDetector;
import dev.fleet.spi.PlacementStrategy;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Ticker;
import dev.fleet.spi.Transport;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Everything a fleet was built with, in named groups so that no one passes a long positional list of durations:
 * the builder fills in the defaults and checks how settings relate to each other; each group checks its own values.
 * Built by {@code FleetBuilder} (tests build the groups directly).
 *
 * <p>Immutable and thread-safe.
 *
 * @param clocks where time comes from and where work runs
 * @param heartbeats how silence is judged
 * @param pruning when silent machines are removed
 * @param placement how work is matched to machines
 * @param owners the personal-mesh policies that follow a machine's owner and battery
 * @param limits what the fleet holds and remembers at most
 * @param transport where attempts are delivered, or null when the embedder collects them itself
 * @param onClose resources the builder created and the fleet must release when closed
 */
public record FleetConfig(
    Clocks clocks,
    Heartbeats heartbeats,
    Pruning pruning,
    Placement placement,
    Owners owners,
    Limits limits,
    Transport transport,
    List<AutoCloseable> onClose) {

  public FleetConfig {
    Objects.requireNonNull(clocks, "clocks");
    Objects.requireNonNull(heartbeats, "heartbeats");
    Objects.requireNonNull(pruning, "pruning");
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(owners, "owners");
    Objects.requireNonNull(limits, "limits");
    onClose = List.copyOf(onClose);
  }

  /** The load a machine must stay below to take a task of this priority. */
  double ceiling(Priority priority) {
    return placement.ceiling(priority);
  }

  /**
   * Where time comes from and where the fleet's own work runs.
   *
   * @param ticker the monotonic time of every timeout, deadline and wait
   * @param wallClock calendar time: quiet hours (placement, preemption, owner return) and the times the fleet
   *     records and shows (the journal, when a machine fell asleep or left)
   * @param eventExecutor where listeners and the transport are called
   * @param scheduler what runs the heartbeat sweep, capacity sampling and journal snapshots
   */
  public record Clocks(Ticker ticker, InstantSource wallClock, Executor eventExecutor, Scheduler scheduler) {
    public Clocks {
      Objects.requireNonNull(ticker, "ticker");
      Objects.requireNonNull(wallClock, "wallClock");
      Objects.requireNonNull(eventExecutor, "eventExecutor");
      Objects.requireNonNull(scheduler, "scheduler");
    }
  }

  /**
   * How silence is judged.
   *
   * @param interval how often agents heartbeat; positive
   * @param suspectAfter silence after which a machine is suspect; longer than {@code interval}
   * @param offlineAfter silence after which a machine is offline; longer than {@code suspectAfter}
   * @param detector decides from heartbeat arrivals when a machine is suspect or offline
   * @param sleepHint owner idle time after which a laptop's silence is taken for sleep rather than failure;
   *     positive
   */
  public record Heartbeats(Duration interval, Duration suspectAfter, Duration offlineAfter, FailureDetector detector,
      Duration sleepHint) {
    public Heartbeats {
      positive("heartbeat interval", interval);
      positive("suspectAfter", suspectAfter);
      positive("offlineAfter", offlineAfter);
      positive("sleepHint", sleepHint);
      Objects.requireNonNull(detector, "detector");
      if (suspectAfter.compareTo(interval) <= 0) {
        throw new IllegalArgumentException("suspectAfter " + suspectAfter + " must be longer than heartbeat interval "
            + interval);
      }
      if (offlineAfter.compareTo(suspectAfter) <= 0) {
        throw new IllegalArgumentException("offlineAfter " + offlineAfter + " must be longer than suspectAfter "
            + suspectAfter);
      }
    }
  }

  /**
   * When the sweep removes machines the fleet has no use for keeping; zero turns either rule off.
   *
   * @param neverHeardAfter a machine registered in this run and never heard from this long is removed
   * @param offlineAfter a machine offline or asleep and silent this long is removed
   */
  public record Pruning(Duration neverHeardAfter, Duration offlineAfter) {
    /** Machines are removed only when deregistered. */
    public static final Pruning OFF = new Pruning(Duration.ZERO, Duration.ZERO);

    public Pruning {
      notNegative("pruneNeverHeardAfter", neverHeardAfter);
      notNegative("pruneOfflineAfter", offlineAfter);
    }
  }

  /**
   * How work is matched to machines.
   *
   * @param strategy chooses among the machines that fit
   * @param loadCeiling machines at or over this load take no new work; in (0, 10]
   * @param urgentLoadCeiling the same for urgent tasks; at least {@code loadCeiling}, at most 10
   * @param loadPerTask the load a normal-weight task adds to its machine until a heartbeat reports it; in [0, 10]
   * @param agingStep waiting this long raises a queued task one priority level; zero turns aging off
   * @param preemptionGap an urgent task that fits nowhere may evict work at least this many priority levels
   *     lower; zero turns preemption off; at most 4
   * @param failbackAfter how long a recovered machine must stay online before work of its role returns to it;
   *     not negative
   */
  public record Placement(PlacementStrategy strategy, double loadCeiling, double urgentLoadCeiling,
      double loadPerTask, Duration agingStep, int preemptionGap, Duration failbackAfter) {
    public Placement {
      Objects.requireNonNull(strategy, "strategy");
      if (!(loadCeiling > 0 && loadCeiling <= 10)) {
        throw new IllegalArgumentException("loadCeiling must be in (0, 10], got " + loadCeiling);
      }
      if (!(urgentLoadCeiling >= loadCeiling && urgentLoadCeiling <= 10)) {
        throw new IllegalArgumentException("urgentLoadCeiling must be in [loadCeiling " + loadCeiling
            + ", 10], got " + urgentLoadCeiling);
      }
      if (!(loadPerTask >= 0 && loadPerTask <= 10)) {
        throw new IllegalArgumentException("loadPerTask must be in [0, 10], got " + loadPerTask);
      }
      notNegative("agingStep", agingStep);
      if (preemptionGap < 0 || preemptionGap > 4) {
        throw new IllegalArgumentException("preemptionGap must be in [0, 4], got " + preemptionGap);
      }
      notNegative("failbackAfter", failbackAfter);
    }

    /** The load a machine must stay below to take a task of this priority. */
    double ceiling(Priority priority) {
      return priority == Priority.URGENT ? urgentLoadCeiling : loadCeiling;
    }
  }

  /**
   * The personal-mesh policies that follow a machine's battery and owner.
   *
   * @param batteryStopBelow heavy work stops on a machine on battery or below this charge (percent)
   * @param batteryResumeAt ... and resumes on mains power at or above this charge; at least
   *     {@code batteryStopBelow}, at most 100
   * @param ownerAway owner idle time after which background work may run on a machine; positive
   */
  public record Owners(int batteryStopBelow, int batteryResumeAt, Duration ownerAway) {
    public Owners {
      if (batteryStopBelow < 0 || batteryResumeAt > 100 || batteryResumeAt < batteryStopBelow) {
        throw new IllegalArgumentException("need 0 <= batteryStopBelow <= batteryResumeAt <= 100, got "
            + batteryStopBelow + " and " + batteryResumeAt);
      }
      positive("ownerAway", ownerAway);
    }
  }

  /**
   * What the fleet holds and remembers at most.
   *
   * @param maxQueuedTasks tasks that may wait at once; more are rejected
   * @param finishedTaskRetention finished tasks remembered for status queries and duplicate detection
   * @param idempotencyWindow how long an idempotency key maps to its first task; positive
   * @param payloads the payload bytes one task may carry and the fleet holds for unfinished tasks
   */
  public record Limits(int maxQueuedTasks, int finishedTaskRetention, Duration idempotencyWindow,
      PayloadBudget payloads) {
    public Limits {
      if (maxQueuedTasks < 0) {
        throw new IllegalArgumentException("maxQueuedTasks must be >= 0, got " + maxQueuedTasks);
      }
      if (finishedTaskRetention < 0) {
        throw new IllegalArgumentException("finishedTaskRetention must be >= 0, got " + finishedTaskRetention);
      }
      positive("idempotencyWindow", idempotencyWindow);
      Objects.requireNonNull(payloads, "payloads");
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  private static void notNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + d);
    }
  }
}
