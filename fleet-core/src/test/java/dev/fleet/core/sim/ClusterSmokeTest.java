package dev.fleet.core.sim;

import dev.fleet.testing.sim.cluster.*;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSmokeTest {
  @Test
  void smoke() {
    long t0 = System.nanoTime();
    int bad = 0;
    for (int seed = 0; seed < 200; seed++) {
      ClusterResult r = ClusterSimulator.newBuilder(ClusterFleets.core(Duration.ofSeconds(1), seed % 2 == 0 ? 0 : 20))
          .seed(seed).nodes(seed % 3 == 0 ? 5 : 3)
          .faults(List.of(ClusterFault.crash(ClusterFault.LEADER, Duration.ofSeconds(15), Duration.ofSeconds(5)),
              ClusterFault.isolate(ClusterFault.LEADER, Duration.ofSeconds(30), Duration.ofSeconds(6), seed % 2 == 0),
              ClusterFault.pause(ClusterFault.LEADER, Duration.ofSeconds(45), Duration.ofSeconds(4))))
          .build().run();
      List<String> v = new java.util.ArrayList<>();
      v.addAll(ClusterInvariants.noAcknowledgedTaskLost(r));
      v.addAll(ClusterInvariants.atMostOneAcceptedResult(r));
      v.addAll(ClusterInvariants.oneDispatcherPerTerm(r));
      v.addAll(ClusterInvariants.deliveredAttemptsWereCommitted(r));
      if (!v.isEmpty() || !r.anomalies().isEmpty()) {
        bad++;
        if (bad < 4) System.out.println(ClusterInvariants.summary(v, 5, r) + "\n overlaps " + r.overlaps());
      }
      if (seed < 3) System.out.println(r + " " + r.leaderships() + " " + r.faults() + " overlaps " + r.overlaps().size());
    }
    System.out.println("bad " + bad + " in " + (System.nanoTime() - t0) / 1e6 + " ms");
  }
}
