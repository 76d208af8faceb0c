package dev.fleet.core.internal;

import dev.fleet.Priority;
import dev.fleet.spi.FailureDetector;
import dev.fleet.spi.PlacementStrategy;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Everything a fleet was built with; the builder validates, this only carries.
 *
 * <p>Immutable and thread-safe.
 *
 * @param detector decides from heartbeat arrivals when a machine is suspect or offline
 * @param transport where attempts are delivered, or null when the embedder collects them itself
 * @param failbackAfter how long a recovered machine must stay online before work of its role returns to it
 * @param sleepHint owner idle time after which a laptop's silence is taken for sleep rather than failure
 * @param batteryStopBelow heavy work stops on a machine on battery or below this charge (percent)
 * @param batteryResumeAt ... and resumes on mains power at or above this charge
 * @param ownerAway owner idle time after which background work may run on a machine
 * @param agingStep waiting this long raises a queued task one priority level; zero turns aging off
 * @param preemptionGap an urgent task that fits nowhere may evict work at least this many priority levels
 *     lower; zero turns preemption off
 * @param onClose resources the builder created and the fleet must release when closed
 * @param pruneNeverHeardAfter a machine registered in this run and never heard from this long is removed; zero
 *     keeps such machines
 * @param pruneOfflineAfter a machine offline or asleep and silent this long is removed; zero keeps such machines
 * @param payloads the payload bytes one task may carry and the fleet holds for unfinished tasks
 */
public record FleetConfig(
    Ticker ticker,
    InstantSource wallClock,
    Executor eventExecutor,
    Scheduler scheduler,
    PlacementStrategy strategy,
    double loadCeiling,
    double urgentLoadCeiling,
    double loadPerTask,
    Duration heartbeatInterval,
    Duration suspectAfter,
    Duration offlineAfter,
    FailureDetector detector,
    dev.fleet.spi.Transport transport,
    Duration failbackAfter,
    Duration sleepHint,
    int batteryStopBelow,
    int batteryResumeAt,
    Duration ownerAway,
    Duration agingStep,
    int preemptionGap,
    int maxQueuedTasks,
    int finishedTaskRetention,
    Duration idempotencyWindow,
    List<AutoCloseable> onClose,
    Duration pruneNeverHeardAfter,
    Duration pruneOfflineAfter,
    PayloadBudget payloads) {

  public FleetConfig {
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(wallClock, "wallClock");
    Objects.requireNonNull(eventExecutor, "eventExecutor");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(detector, "detector");
    onClose = List.copyOf(onClose);
    Objects.requireNonNull(pruneNeverHeardAfter, "pruneNeverHeardAfter");
    Objects.requireNonNull(pruneOfflineAfter, "pruneOfflineAfter");
    Objects.requireNonNull(payloads, "payloads");
  }

  /** The load a machine must stay below to take a task of this priority. */
  double ceiling(Priority priority) {
    return priority == Priority.URGENT ? urgentLoadCeiling : loadCeiling;
  }
}
