package dev.fleet.testing.sim.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad settings of the cluster simulator are refused with a message naming the bad value. */
class ClusterSimulatorTest {
  private static final ClusterFleetFactory NEVER = (t, s, tr, ex, j) -> {
    throw new AssertionError("not built in these tests");
  };

  private static void refused(String expected, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void badSettingsAreRefused() {
    refused("got 4", () -> ClusterSimulator.newBuilder(NEVER).nodes(4));
    refused("got 0", () -> ClusterSimulator.newBuilder(NEVER).machines(0));
    refused("dropShare 0.7", () -> ClusterSimulator.newBuilder(NEVER).network(0.7, 0.5, Duration.ofSeconds(1)));
    refused("PT-1S", () -> ClusterSimulator.newBuilder(NEVER).duration(Duration.ofSeconds(-1)));
    refused("names node 3", () -> ClusterSimulator.newBuilder(NEVER)
        .faults(List.of(ClusterFault.crash(3, Duration.ofSeconds(1), Duration.ofSeconds(1)))).build());
    refused("PT1S", () -> ClusterSimulator.newBuilder(NEVER)
        .raftTiming(Duration.ofSeconds(1), Duration.ofSeconds(1)).build());
  }

  @Test
  void badFaultsAreRefused() {
    refused("got -3", () -> ClusterFault.crash(-3, Duration.ZERO, Duration.ofSeconds(1)));
    refused("PT-1S", () -> ClusterFault.pause(0, Duration.ofSeconds(-1), Duration.ofSeconds(1)));
    refused("PT0S", () -> ClusterFault.isolate(0, Duration.ZERO, Duration.ZERO, false));
  }
}
