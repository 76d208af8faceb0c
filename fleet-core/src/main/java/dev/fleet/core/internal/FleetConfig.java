package dev.fleet.core.internal;

import dev.fleet.Priority;
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
 * @param onClose resources the builder created and the fleet must release when closed
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
    int maxQueuedTasks,
    int finishedTaskRetention,
    Duration idempotencyWindow,
    List<AutoCloseable> onClose) {

  public FleetConfig {
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(wallClock, "wallClock");
    Objects.requireNonNull(eventExecutor, "eventExecutor");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(strategy, "strategy");
    onClose = List.copyOf(onClose);
  }

  /** The load a machine must stay below to take a task of this priority. */
  double ceiling(Priority priority) {
    return priority == Priority.URGENT ? urgentLoadCeiling : loadCeiling;
  }
}
