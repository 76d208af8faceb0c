package dev.fleet.core.sim;

import dev.fleet.core.Detectors;
import dev.fleet.core.FleetBuilder;
import dev.fleet.core.Fleets;
import dev.fleet.spi.FailureDetector;
import dev.fleet.spi.Ticker;
import dev.fleet.testing.sim.FleetFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** Fleet factories for the simulator: the real core on the simulator's clock, with a chosen failure detector. */
final class SimFleets {
  private SimFleets() {}

  /** The builder's defaults: fixed timeouts of 3 and 6 intervals. */
  static FleetFactory defaults(Duration interval) {
    return (t, s, tr, ex) -> base(t, s, tr, ex, interval).build();
  }

  /** Phi accrual with Akka's parameters and the given acceptable pause. */
  static FleetFactory phi(Duration interval, Duration acceptablePause) {
    return with(interval, Detectors.phiAccrual(acceptablePause));
  }

  /** Fixed timeouts: suspect after {@code suspect} of silence, offline after {@code offline}. */
  static FleetFactory fixedTimeout(Duration interval, Duration suspect, Duration offline) {
    return (t, s, tr, ex) -> base(t, s, tr, ex, interval).suspectAfter(suspect).offlineAfter(offline)
        .failureDetector(Detectors.fixedTimeout(suspect, offline)).build();
  }

  static FleetFactory with(Duration interval, FailureDetector detector) {
    return (t, s, tr, ex) -> base(t, s, tr, ex, interval).failureDetector(detector).build();
  }

  private static FleetBuilder base(Ticker t, dev.fleet.spi.Scheduler s, dev.fleet.spi.Transport tr,
      java.util.concurrent.Executor ex, Duration interval) {
    // Wall-clock readings follow virtual time too, so nothing in a run depends on the real clock.
    InstantSource wall = () -> Instant.ofEpochSecond(1_700_000_000L).plusNanos(t.read());
    return Fleets.newBuilder().ticker(t).scheduler(s).transport(tr).eventExecutor(ex).wallClock(wall)
        .heartbeatInterval(interval);
  }
}
