package dev.fleet.testing.sim.cluster;

import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated Raft group: its nodes, the fake network between them, the timing of elections, and what the
 * run is told when a node wins, loses or crashes out of leadership.
 *
 * <p>Not thread-safe: driven by the simulation's one thread.
 */
final class RaftGroup {
  /** A node won an election in a term, at a time. */
  record Leadership(int node, long term, long atNanos) {}

  /** What the run hears of leadership. */
  interface Watcher {
    void elected(RaftNode node);

    void deposed(RaftNode node);

    void crashed(RaftNode node, boolean led);
  }

  final Scheduler scheduler;
  private final Ticker ticker;
  final SimNetwork network;
  final Duration electionTimeout;
  final Duration heartbeat;
  private final Set<ClusterFlaw> flaws;
  private final Watcher watcher;
  final RaftNode[] nodes;
  final List<Leadership> leaders = new ArrayList<>();
  int elections;
  int truncations;

  RaftGroup(int size, Scheduler scheduler, Ticker ticker, SimNetwork network, Duration electionTimeout,
      Duration heartbeat, Set<ClusterFlaw> flaws, Watcher watcher, SplittableRandom random) {
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.network = network;
    this.electionTimeout = electionTimeout;
    this.heartbeat = heartbeat;
    this.flaws = flaws.isEmpty() ? EnumSet.noneOf(ClusterFlaw.class) : EnumSet.copyOf(flaws);
    this.watcher = watcher;
    this.nodes = new RaftNode[size];
    for (int i = 0; i < size; i++) {
      nodes[i] = new RaftNode(i, this, random.split());
    }
  }

  int size() {
    return nodes.length;
  }

  int majority() {
    return nodes.length / 2 + 1;
  }

  long now() {
    return ticker.read();
  }

  boolean flawed(ClusterFlaw f) {
    return flaws.contains(f);
  }

  void elected(RaftNode n) {
    watcher.elected(n);
  }

  void deposed(RaftNode n) {
    watcher.deposed(n);
  }

  void crashed(RaftNode n, boolean led) {
    watcher.crashed(n, led);
  }

  /** Sends {@code m} over the network; the reply, if any, goes back the same way. */
  void send(int from, int to, Message m) {
    network.send(from, to, m, msg -> arrive(from, to, msg));
  }

  private void arrive(int from, int to, Message m) {
    RaftNode n = nodes[to];
    n.run(() -> {
      Message reply = n.handle(m);
      if (reply != null) {
        send(to, from, reply);
      }
    }, n.life);
  }

  /**
   * Sends an append and waits for the reply at this instant, as a leader's sync does: null if the append or
   * its reply is lost, late (then it is handled when it arrives), or the follower is down or paused.
   */
  Message.AppendReply call(int from, int to, Message.Append m) {
    if (!network.connected(from, to)) {
      return null;
    }
    SimNetwork.Fate f = network.fate();
    if (f == SimNetwork.Fate.LOST) {
      return null;
    }
    if (f == SimNetwork.Fate.LATE) {
      network.later(m, msg -> arrive(from, to, msg), f);
      return null;
    }
    RaftNode n = nodes[to];
    if (n.crashed) {
      return null;
    }
    if (n.paused) {
      n.run(() -> {
        Message reply = n.handle(m);
        if (reply != null) {
          send(to, from, reply);
        }
      }, n.life);
      return null;
    }
    Message reply = n.handle(m);
    SimNetwork.Fate back = network.fate();
    if (back == SimNetwork.Fate.LOST) {
      return null;
    }
    if (back == SimNetwork.Fate.LATE) {
      network.later(reply, msg -> arrive(to, from, msg), back);
      return null;
    }
    return (Message.AppendReply) reply;
  }
}
