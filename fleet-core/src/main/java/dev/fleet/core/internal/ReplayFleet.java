package dev.fleet.core.internal;

import dev.fleet.Fleet;
import dev.fleet.core.internal.capacity.ReplayFleets;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Ticker;
import dev.fleet.spi.Transport;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * The fleets a capacity what-if replays on: the live fleet's load ceilings and load per task, and otherwise the
 * builder's defaults (least-loaded placement, default aging, owners and limits), so two replays differ only in
 * their machines. Machines never go silent: heartbeats are due daily and suspicion takes years.
 *
 * <p>Immutable and thread-safe; each fleet it builds is used by one replaying thread.
 */
final class ReplayFleet implements ReplayFleets {
  private static final Duration NEVER = Duration.ofDays(3650);
  private final FleetConfig.Placement live;

  ReplayFleet(FleetConfig.Placement live) {
    this.live = live;
  }

  @Override
  public Fleet build(Ticker ticker, Scheduler scheduler, Transport transport, InstantSource wallClock) {
    Duration suspect = NEVER.dividedBy(2);
    FleetConfig config = new FleetConfig(
        new FleetConfig.Clocks(ticker, wallClock, Runnable::run, scheduler),
        new FleetConfig.Heartbeats(Duration.ofDays(1), suspect, NEVER, new FixedTimeoutDetector(suspect, NEVER),
            Duration.ofMinutes(2)),
        FleetConfig.Pruning.OFF,
        new FleetConfig.Placement(LeastLoaded.INSTANCE, live.loadCeiling(), live.urgentLoadCeiling(),
            live.loadPerTask(), Duration.ofMinutes(5), 0, Duration.ofMinutes(1)),
        new FleetConfig.Owners(20, 40, Duration.ofMinutes(10)),
        new FleetConfig.Limits(100_000, 100_000, Duration.ofHours(24), PayloadBudget.DEFAULT),
        transport,
        List.of());
    return new FleetCore(config);
  }
}
