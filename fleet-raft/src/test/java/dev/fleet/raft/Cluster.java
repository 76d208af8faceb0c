package dev.fleet.raft;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;

/**
 * Several Raft nodes in this JVM, on 127.0.0.1 and free ports, each with its log in a temporary directory that
 * {@link #close} deletes. Nodes can be crashed (no goodbye: like kill -9, their sockets just close), cut off from
 * the others, and restarted on their log.
 */
final class Cluster implements AutoCloseable {
  private final Path dir;
  private final Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
  private final Map<String, RaftJournal> live = new LinkedHashMap<>();
  private final Map<String, Recorder> streams = new LinkedHashMap<>();

  Cluster(int size) throws IOException {
    dir = Files.createTempDirectory("fleet-raft-test");
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    for (int i = 1; i <= size; i++) {
      addresses.put("n" + i, new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort(taken)));
    }
  }

  /**
   * A port for a node's Raft member whose failure-detection port (100 above) is free too, neither of them another
   * node's, and below the kernel's ephemeral range (32768 up on Linux), so no outgoing connection of this or another
   * process takes it between the probe and the bind, or while the node is down for a restart.
   */
  private static int freePort(java.util.Set<Integer> taken) throws IOException {
    java.util.Random random = new java.util.Random();
    for (int tries = 0; tries < 1000; tries++) {
      int p = 20_000 + random.nextInt(12_000);
      if (taken.contains(p) || taken.contains(p + 100) || taken.contains(p - 100)) {
        continue;
      }
      try (ServerSocket a = new ServerSocket(p, 1, InetAddress.getLoopbackAddress());
          ServerSocket b = new ServerSocket(p + 100, 1, InetAddress.getLoopbackAddress())) {
        taken.add(p);
        taken.add(p + 100);
        return p;
      } catch (IOException busy) {
        // another try
      }
    }
    throw new IOException("no free pair of ports (p, p + 100) found between 20000 and 32100");
  }

  List<String> names() {
    return new ArrayList<>(addresses.keySet());
  }

  /** Builds and starts node {@code name} on its log directory, recording its committed stream. */
  RaftJournal start(String name) {
    RaftJournal.Builder b = RaftJournal.newBuilder(name, dir.resolve(name));
    addresses.forEach(b::member);
    RaftJournal node = b.build();
    Recorder stream = new Recorder();
    node.subscribe(stream);
    node.start();
    live.put(name, node);
    streams.put(name, stream);
    return node;
  }

  void startAll() {
    addresses.keySet().forEach(this::start);
  }

  RaftJournal node(String name) {
    RaftJournal n = live.get(name);
    if (n == null) {
      throw new AssertionError(name + " is not running; running: " + live.keySet());
    }
    return n;
  }

  Recorder stream(String name) {
    return streams.get(name);
  }

  List<RaftJournal> live() {
    return new ArrayList<>(live.values());
  }

  /**
   * Waits until exactly one of {@code among} leads and all of them name it.
   *
   * @return the leader
   */
  RaftJournal awaitLeader(Duration limit, List<String> among) {
    Await.until(limit, () -> agreedLeader(among).isPresent(), () -> describe(among));
    return node(agreedLeader(among).orElseThrow());
  }

  private Optional<String> agreedLeader(List<String> among) {
    List<String> leaders = among.stream().filter(n -> node(n).isLeader()).toList();
    if (leaders.size() != 1) {
      return Optional.empty();
    }
    String l = leaders.get(0);
    boolean agreed = among.stream().allMatch(n -> node(n).leader().equals(Optional.of(l)));
    return agreed ? Optional.of(l) : Optional.empty();
  }

  String describe(List<String> among) {
    StringBuilder sb = new StringBuilder();
    for (String n : among) {
      RaftJournal j = live.get(n);
      sb.append(n).append(j == null ? "=down " : "=[leader " + j.leader().orElse("?") + ", term " + j.term()
          + ", committed " + j.committedPosition() + "] ");
    }
    return sb.toString();
  }

  /** Stops {@code name} like kill -9: no leave message, no sync; its peers see its connections close. */
  void crash(String name) throws Exception {
    RaftJournal n = live.remove(name);
    n.crash();
  }

  /** Stops {@code name} the orderly way. */
  void stop(String name) {
    live.remove(name).close();
  }

  /** Drops every message to and from {@code name}, as a network partition would; its sockets stay open. */
  void cutOff(String name) throws Exception {
    var ch = node(name).channel();
    DISCARD discard = new DISCARD().discardAll(true).setAddress(ch.getAddress());
    ch.getProtocolStack().insertProtocol(discard, ProtocolStack.Position.ABOVE, TP.class);
  }

  /** Ends a {@link #cutOff}. */
  void heal(String name) {
    node(name).channel().getProtocolStack().removeProtocol(DISCARD.class);
  }

  @Override
  public void close() throws IOException {
    for (RaftJournal n : live.values()) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // the test already failed or the node was fenced; the others still need closing
      }
    }
    live.clear();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
