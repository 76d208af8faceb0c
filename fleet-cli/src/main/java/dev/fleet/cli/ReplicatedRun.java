package dev.fleet.cli;

import dev.fleet.core.FleetBuilder;
import dev.fleet.transport.http.HttpCoordinator;
import dev.fleet.transport.http.HttpCoordinatorBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code fleet coordinator --node NAME --peers ...}: checks the options of a replicated coordinator, runs its
 * {@link ReplicatedCoordinator} until the process is asked to stop, and says what it does.
 *
 * <p>Runs on the command's thread; what it prints when it takes over comes from the node's role thread.
 */
final class ReplicatedRun {
  /** Why a pair refuses automatic failover; printed when it refuses, and as the warning of manual mode. */
  static final String TWO_PEERS = "Two coordinators cannot fail over safely. Raft needs a majority to elect a "
      + "leader and to accept any change, and the majority of two is both: when one machine is down the other "
      + "cannot take over, and letting it take over alone would give the fleet two leaders whenever the two are "
      + "only cut off from each other (both would dispatch the same tasks). Run three coordinators (a small VPS "
      + "or a Raspberry Pi is enough for the third), or pass --manual-failover to run the pair knowing that "
      + "changes need both, and that if one machine is lost for good a person restarts the other alone "
      + "(--peers naming only itself) after making sure the lost one will not come back as it was.";

  private final CoordinatorCommand cmd;
  private final StateDir state;
  private final String join;
  private final String client;
  private final boolean first;
  private final String password;
  private final PayloadLimits payloads;
  private final PruneTimes prune;

  ReplicatedRun(CoordinatorCommand cmd, StateDir state, String join, String client, boolean first, String password,
      PayloadLimits payloads, PruneTimes prune) {
    this.cmd = cmd;
    this.state = state;
    this.join = join;
    this.client = client;
    this.first = first;
    this.password = password;
    this.payloads = payloads;
    this.prune = prune;
  }

  /**
   * Checks the replication options before anything is written to the state directory.
   *
   * @return the peers, or null without {@code --peers}
   * @throws IllegalArgumentException naming what is wrong
   */
  static Peers check(String peersOption, String node, boolean manualFailover, boolean inMemory, Duration failure) {
    if (peersOption == null) {
      if (node != null || manualFailover || failure != null) {
        throw new IllegalArgumentException((node != null ? "--node" : manualFailover ? "--manual-failover"
            : "--raft-failure-timeout") + " is for replicated coordinators and needs --peers");
      }
      return null;
    }
    Peers peers = Peers.parse(peersOption);
    if (node == null) {
      throw new IllegalArgumentException("--peers needs --node NAME, this coordinator's name among "
          + peers.names());
    }
    peers.get(node);
    if (peers.size() == 2 && !manualFailover) {
      throw new IllegalArgumentException(TWO_PEERS);
    }
    if (manualFailover && peers.size() != 2) {
      throw new IllegalArgumentException("--manual-failover is for a pair of coordinators; --peers names "
          + peers.size() + " (" + peers.names() + ")");
    }
    if (inMemory) {
      throw new IllegalArgumentException("--in-memory cannot be replicated: --peers keeps the fleet in the Raft log "
          + "under the state directory");
    }
    if (failure != null && failure.compareTo(Duration.ofMillis(200)) < 0) {
      throw new IllegalArgumentException("--raft-failure-timeout must be at least 200ms, got " + failure);
    }
    return peers;
  }

  int run(Peers peers, String node, Duration failureTimeout, PrintWriter out) {
    if (!state.read(StateDir.JOIN_TOKEN).isPresent()) {
      state.writeSecret(StateDir.JOIN_TOKEN, join);
    }
    Path raftDir = state.path().resolve("raft");
    Peers.Peer self = peers.get(node);
    ReplicatedCoordinator.LeaderParts parts = new ReplicatedCoordinator.LeaderParts() {
      @Override
      public HttpCoordinatorBuilder coordinator() {
        return cmd.coordinatorBuilder(state, join, client, password, payloads);
      }

      @Override
      public FleetBuilder fleet(HttpCoordinator transport) {
        return cmd.fleetBuilder(transport, payloads, prune);
      }

      @Override
      public void serving(HttpCoordinator coordinator, long term) {
        cmd.metrics.serving(coordinator); // /metrics now reads this term's fleet
        synchronized (out) {
          out.println(node + " leads term " + term + ": serving the fleet on " + self.url());
          out.flush();
        }
      }
    };
    if (peers.size() == 2) {
      out.println("WARNING: " + TWO_PEERS);
    }
    try (ReplicatedCoordinator rc = new ReplicatedCoordinator(peers, node, raftDir, cmd.bind, cmd.keystore, password,
        failureTimeout == null ? Duration.ofSeconds(2) : failureTimeout, parts)) {
      rc.start();
      state.write(StateDir.URL, self.url().toString());
      synchronized (out) {
        out.println("Fleet coordinator " + node + " (one of " + peers.names() + ") on " + self.url() + ", Raft on "
            + self.raft().getHostString() + ":" + self.raft().getPort() + ", log in " + raftDir);
        if (first) {
          out.println("First start: made a join token and a client token, kept in " + state.path()
              + ". Every coordinator of the group needs the same two: copy the files join-token and client-token "
              + "into the other nodes' state directories before their first start.");
        } else {
          out.println("Join token and client token are in " + state.path()
              + " (the same on every coordinator of the group)");
        }
        out.println("Agents and clients: --join " + String.join(",", peers.peers().stream()
            .map(p -> p.url().toString()).toList()));
        out.flush();
      }
      Running.untilStopped(cmd.stopAfter);
    }
    out.println("Coordinator stopped.");
    out.flush();
    return 0;
  }
}
