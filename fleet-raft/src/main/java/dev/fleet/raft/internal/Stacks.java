package dev.fleet.raft.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jgroups.JChannel;
import org.jgroups.logging.LogFactory;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.protocols.raft.ELECTION;
import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.NO_DUPES;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.stack.Protocol;

/**
 * Builds the JGroups stack of one node: TCP among a fixed list of peers (no multicast), failure detection tuned
 * to notice a dead leader within about {@code failureTimeout}, and jgroups-raft's view-based election with a
 * {@link FileBasedLog} (pure Java, fsynced).
 *
 * <p>jgroups-raft 1.0's {@link ELECTION} starts a vote when a JGroups view no longer holds the leader, so the
 * time to a new leader is the time JGroups takes to drop the dead member from the view, plus one vote round:
 * <ul>
 *   <li>a crashed process (kill -9, a closed laptop's process): its TCP connections close, {@link FD_SOCK2}
 *       suspects it at once, {@link VERIFY_SUSPECT2} confirms within {@code failureTimeout / 4};
 *   <li>a hung or cut-off node (SIGSTOP, unplugged, a partition): no connection closes; {@link FD_ALL3} suspects
 *       it after {@code failureTimeout} without a heartbeat (sent every {@code failureTimeout / 4});
 *   <li>{@link MERGE3} checks every 1 to 3 s for split views, so a healed partition merges within seconds
 *       (JGroups' defaults: 10 to 30 s).
 * </ul>
 * The stock configuration waits 40 s (FD_ALL3) and 10 to 30 s (MERGE3).
 *
 * <p>Stateless; thread-safe.
 */
public final class Stacks {
  private Stacks() {}

  /**
   * JGroups logs through SLF4J when it finds SLF4J on the class path (the coordinator has it, for Jetty), and its
   * SLF4J adapter formats every trace message, headers and all, before SLF4J drops it: a {@code String.format} for
   * each Raft message sent and received. Its java.util.logging adapter checks the level first, and logs to the
   * same place (the coordinator sends SLF4J to java.util.logging). A custom JGroups logger, or Log4j 2, is left
   * alone.
   */
  private static void quietJGroupsTracing() {
    if (LogFactory.getCustomLogFactory() == null && "slf4j".equals(LogFactory.loggerType())) {
      LogFactory.useJdkLogger(true);
    }
  }

  /** The protocols, bottom (transport) first, for {@code self} among {@code members}. */
  public static JChannel channel(String self, Map<String, InetSocketAddress> members, Path logDir, boolean fsync,
      Duration failureTimeout) throws Exception {
    quietJGroupsTracing();
    InetSocketAddress bind = members.get(self);
    long timeout = failureTimeout.toMillis();
    long beat = Math.max(50, timeout / 4);
    List<Protocol> p = new ArrayList<>();
    // The RAFT thread hands each message straight to the socket instead of to a bundler thread that would queue it
    // to send it with others: on the commit path that is two thread hand-offs fewer per round trip (the batch to
    // the followers, their acknowledgements back), and Raft already sends one message per batch. TCP_NODELAY: a
    // small acknowledgement goes out at once rather than waiting for the peer's ACK of the previous one (Nagle).
    TCP tcp = new TCP().setBindAddress(bind.getAddress()).setBindPort(bind.getPort()).setPortRange(0);
    tcp.setBundlerType("no-bundler");
    tcp.tcpNodelay(true);
    p.add(tcp);
    p.add(new TCPPING().setInitialHosts(new ArrayList<>(members.values())).setPortRange(0));
    p.add(new MERGE3().setMinInterval(1000).setMaxInterval(3000));
    p.add(new FD_SOCK2());
    p.add(new FD_ALL3().setTimeout(timeout).setInterval(beat));
    p.add(new VERIFY_SUSPECT2().setTimeout(beat));
    p.add(new NAKACK2().useMcastXmit(false));
    p.add(new UNICAST3());
    p.add(new STABLE());
    p.add(new NO_DUPES());
    p.add(new GMS().setJoinTimeout(1000).setLeaveTimeout(1000).setViewAckCollectionTimeout(1000)
        .printLocalAddress(false));
    p.add(new UFC());
    p.add(new MFC());
    p.add(new FRAG4());
    p.add(new ELECTION().voteTimeout(Math.max(100, beat)));
    p.add(new RAFT().members(new ArrayList<>(members.keySet())).raftId(self)
        .logClass(FileBasedLog.class.getName()).logDir(logDir.toString()).logPrefix(self)
        .logUseFsync(fsync)
        // Followers learn the commit index with the next append, or within the resend interval when idle.
        // Sending it at once (send_commits_immediately) answers every ack with a message to every follower; under
        // load that flooded jgroups-raft's processing queue ("processing queue is full") in our tests.
        .sendCommitsImmediately(false)
        // The idle leader's resend tick: how soon a restarted follower is sent what it missed.
        .resendInterval(200)
        // The state machine writes its whole state into each Raft snapshot; the fleet's own snapshots truncate
        // the log, so the size trigger is only a backstop.
        .maxLogSize(64 << 20));
    return new JChannel(p).name(self);
  }
}
