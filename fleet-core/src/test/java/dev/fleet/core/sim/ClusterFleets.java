package dev.fleet.core.sim;

import dev.fleet.core.Fleets;
import dev.fleet.testing.sim.cluster.ClusterFleetFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** The real core as each simulated coordinator's fleet, on the simulator's clock, over the node's journal. */
final class ClusterFleets {
  private ClusterFleets() {}

  /** The builder's defaults, snapshotting every {@code snapshotEvery} records (0 never). */
  static ClusterFleetFactory core(Duration interval, long snapshotEvery) {
    return (t, s, tr, ex, j) -> {
      // Wall-clock readings follow virtual time too, so nothing in a run depends on the real clock.
      InstantSource wall = () -> Instant.ofEpochSecond(1_700_000_000L).plusNanos(t.read());
      return Fleets.newBuilder().ticker(t).scheduler(s).transport(tr).eventExecutor(ex).wallClock(wall)
          .heartbeatInterval(interval).journal(j).snapshotEvery(snapshotEvery).build();
    };
  }
}
