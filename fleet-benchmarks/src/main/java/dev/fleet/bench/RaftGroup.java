package dev.fleet.bench;

import dev.fleet.raft.RaftJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A Raft group of {@code size} {@link RaftJournal} nodes in this JVM, on 127.0.0.1 and free ports, each with its
 * own log directory under {@code dir}, fsync on: what {@code fleet coordinator --peers} runs on three machines,
 * with loopback for the network.
 *
 * <p>Threading: built, used and closed by one thread (a JMH setup and teardown); the nodes themselves are
 * thread-safe.
 */
final class RaftGroup implements AutoCloseable {
  private final List<RaftJournal> nodes = new ArrayList<>();
  private final List<Path> logDirs = new ArrayList<>();

  RaftGroup(int size, Path dir) {
    Map<String, InetSocketAddress> members = new LinkedHashMap<>();
    for (int i = 1; i <= size; i++) {
      members.put("n" + i, new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort()));
    }
    for (String name : members.keySet()) {
      Path logDir = dir.resolve(name);
      RaftJournal.Builder b = RaftJournal.newBuilder(name, logDir);
      members.forEach(b::member);
      nodes.add(b.build());
      logDirs.add(logDir);
    }
    try {
      nodes.forEach(RaftJournal::start);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The leader, once every node names the same one (the fleet or the benchmark opens its journal on it). */
  RaftJournal awaitLeader(long timeoutMillis) {
    dev.fleet.spi.Ticker ticker = dev.fleet.spi.Ticker.system();
    long deadline = ticker.read() + timeoutMillis * 1_000_000L;
    while (ticker.read() - deadline < 0) {
      List<RaftJournal> leaders = nodes.stream().filter(RaftJournal::isLeader).toList();
      if (leaders.size() == 1) {
        String name = leaders.get(0).name();
        if (nodes.stream().allMatch(n -> n.leader().filter(name::equals).isPresent())) {
          return leaders.get(0);
        }
      }
      LockSupport.parkNanos(20_000_000L);
    }
    throw new IllegalStateException("no agreed leader among " + nodes + " within " + timeoutMillis + " ms");
  }

  /** Each node's log directory. */
  List<Path> logDirs() {
    return logDirs;
  }

  /** Closes every node (the leader commits what was appended first). */
  @Override
  public void close() {
    nodes.forEach(RaftJournal::close);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
