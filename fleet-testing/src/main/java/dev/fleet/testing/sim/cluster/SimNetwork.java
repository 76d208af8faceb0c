package dev.fleet.testing.sim.cluster;

import dev.fleet.spi.Scheduler;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The fake network between the simulated coordinators: a message to or from a node cut off by an isolation never
 * arrives (isolations may overlap: each node stays cut off until every isolation of it has ended); otherwise it is dropped with probability {@code dropShare}, delayed by up to
 * {@code maxDelay} with probability {@code delayShare} (so it may arrive after a term change, or after later
 * messages), and else arrives after {@code latency}. Whether a message is lost or late is drawn from the run's
 * seed, so a seed gives the same run.
 *
 * <p>Not thread-safe: used on the simulation's one thread.
 */
final class SimNetwork {
  /** How one message fares. */
  enum Fate { LOST, LATE, ON_TIME }

  private final Scheduler scheduler;
  private final SplittableRandom random;
  private final Duration latency;
  /** How many isolations of each node are in force. */
  private final int[] cuts;
  private double dropShare;
  private double delayShare;
  private final Duration maxDelay;
  int dropped;
  int delayed;

  SimNetwork(int nodes, Scheduler scheduler, SplittableRandom random, Duration latency, double dropShare,
      double delayShare, Duration maxDelay) {
    this.scheduler = scheduler;
    this.random = random;
    this.latency = latency;
    this.cuts = new int[nodes];
    this.dropShare = dropShare;
    this.delayShare = delayShare;
    this.maxDelay = maxDelay;
  }

  /** Whether a message from {@code a} can reach {@code b} now. */
  boolean connected(int a, int b) {
    return a == b || (cuts[a] == 0 && cuts[b] == 0);
  }

  /** Whether node {@code n} is cut off now. */
  boolean isolated(int n) {
    return cuts[n] > 0;
  }

  /** Cuts node {@code n} off from the others until a matching {@link #rejoin}. */
  void isolate(int n) {
    cuts[n]++;
  }

  /** Ends one isolation of node {@code n}; it is connected again once none is left. */
  void rejoin(int n) {
    if (cuts[n] > 0) {
      cuts[n]--;
    }
  }

  /** No more losses, delays or partitions: the run settles. */
  void calm() {
    dropShare = 0;
    delayShare = 0;
    Arrays.fill(cuts, 0);
  }

  /** Draws the fate of one message between two connected nodes. */
  Fate fate() {
    double r = random.nextDouble();
    if (r < dropShare) {
      dropped++;
      return Fate.LOST;
    }
    if (r < dropShare + delayShare) {
      delayed++;
      return Fate.LATE;
    }
    return Fate.ON_TIME;
  }

  /** Sends {@code m} from {@code from} to be handled by {@code to} later, if it is not lost. */
  <M> void send(int from, int to, M m, Consumer<M> handler) {
    if (!connected(from, to)) {
      return;
    }
    Fate f = fate();
    if (f == Fate.LOST) {
      return;
    }
    later(m, handler, f);
  }

  /** Hands {@code m} over after the latency, or after a random delay for a late one. */
  <M> void later(M m, Consumer<M> handler, Fate f) {
    Duration d = f == Fate.LATE ? lateBy() : latency;
    scheduler.schedule(() -> handler.accept(m), d);
  }

  private Duration lateBy() {
    return Duration.ofNanos(latency.toNanos() + random.nextLong(1, Math.max(2, maxDelay.toNanos())));
  }
}
