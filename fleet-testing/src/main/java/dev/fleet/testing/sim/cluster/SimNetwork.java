package dev.fleet.testing.sim.cluster;

import dev.fleet.spi.Scheduler;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The fake network between the simulated coordinators: a message between two nodes on different sides of a
 * partition never arrives; otherwise it is dropped with probability {@code dropShare}, delayed by up to
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
  private final int[] side;
  private double dropShare;
  private double delayShare;
  private final Duration maxDelay;
  private int partitions;
  int dropped;
  int delayed;

  SimNetwork(int nodes, Scheduler scheduler, SplittableRandom random, Duration latency, double dropShare,
      double delayShare, Duration maxDelay) {
    this.scheduler = scheduler;
    this.random = random;
    this.latency = latency;
    this.side = new int[nodes];
    this.dropShare = dropShare;
    this.delayShare = delayShare;
    this.maxDelay = maxDelay;
  }

  /** Whether a message from {@code a} can reach {@code b} now. */
  boolean connected(int a, int b) {
    return side[a] == side[b];
  }

  /** The side of node {@code n}: 0 unless it is cut off by a partition. */
  int side(int n) {
    return side[n];
  }

  /** Cuts {@code isolated} off from the rest until {@link #heal(int)} with the number this returns. */
  int partition(int[] isolated) {
    Arrays.fill(side, 0);
    for (int n : isolated) {
      side[n] = 1;
    }
    return ++partitions;
  }

  /** Ends partition {@code number}, unless a later one replaced it. */
  void heal(int number) {
    if (number == partitions) {
      Arrays.fill(side, 0);
    }
  }

  /** No more losses, delays or partitions: the run settles. */
  void calm() {
    dropShare = 0;
    delayShare = 0;
    partitions++;
    Arrays.fill(side, 0);
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
