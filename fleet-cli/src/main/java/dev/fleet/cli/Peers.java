package dev.fleet.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The replicated coordinators of {@code fleet coordinator --peers}: each node's name, the HTTP URL agents and
 * clients use, and the address its Raft member listens on, written {@code name=URL@host:port} and separated by
 * commas, e.g. {@code desktop=http://192.168.1.10:7070@192.168.1.10:7800}.
 *
 * <p>Immutable and thread-safe.
 */
record Peers(List<Peer> peers) {
  /** One coordinator node. */
  record Peer(String name, URI url, InetSocketAddress raft) {}

  Peers {
    peers = List.copyOf(peers);
  }

  /**
   * Parses the option's value.
   *
   * @throws IllegalArgumentException naming the entry that is wrong and how it should look
   */
  static Peers parse(String value) {
    Objects.requireNonNull(value, "peers");
    Map<String, Peer> byName = new LinkedHashMap<>();
    for (String entry : value.split(",", -1)) {
      String e = entry.trim();
      int eq = e.indexOf('=');
      int at = e.lastIndexOf('@');
      if (eq <= 0 || at < eq + 2 || at == e.length() - 1) {
        throw new IllegalArgumentException("--peers entry '" + e + "' is not NAME=URL@HOST:PORT, e.g. "
            + "desktop=http://192.168.1.10:7070@192.168.1.10:7800");
      }
      String name = e.substring(0, eq);
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
        throw new IllegalArgumentException("--peers: the node name '" + name + "' must be 1 to 63 letters, digits, "
            + "'.', '_' or '-', starting with a letter or digit");
      }
      URI url = url(name, e.substring(eq + 1, at));
      InetSocketAddress raft = raftAddress(name, e.substring(at + 1));
      if (byName.containsKey(name)) {
        throw new IllegalArgumentException("--peers names " + name + " twice");
      }
      for (Peer p : byName.values()) {
        if (p.raft().equals(raft)) {
          throw new IllegalArgumentException("--peers: " + name + " and " + p.name() + " have the same Raft "
              + "address " + e.substring(at + 1));
        }
        if (p.url().equals(url)) {
          throw new IllegalArgumentException("--peers: " + name + " and " + p.name() + " have the same URL " + url);
        }
      }
      byName.put(name, new Peer(name, url, raft));
    }
    return new Peers(new ArrayList<>(byName.values()));
  }

  private static URI url(String name, String text) {
    URI u;
    try {
      u = URI.create(text);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("--peers: the URL of " + name + ", '" + text + "', is not a URL", ex);
    }
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getPort() < 0) {
      throw new IllegalArgumentException("--peers: the URL of " + name + ", '" + text + "', must be http:// or "
          + "https:// with a host and a port, e.g. http://192.168.1.10:7070");
    }
    return URI.create(u.getScheme() + "://" + u.getHost() + ":" + u.getPort());
  }

  private static InetSocketAddress raftAddress(String name, String text) {
    int colon = text.lastIndexOf(':');
    int port;
    try {
      port = colon > 0 ? Integer.parseInt(text.substring(colon + 1)) : -1;
    } catch (NumberFormatException ex) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--peers: the Raft address of " + name + ", '" + text + "', must be "
          + "HOST:PORT with a port in [1, 65535], e.g. 192.168.1.10:7800");
    }
    InetSocketAddress a = new InetSocketAddress(text.substring(0, colon), port);
    if (a.isUnresolved()) {
      throw new IllegalArgumentException("--peers: the Raft host of " + name + ", '" + text.substring(0, colon)
          + "', does not resolve");
    }
    return a;
  }

  /** The node named {@code name}. */
  Peer get(String name) {
    return peers.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() ->
        new IllegalArgumentException("--node " + name + " is not among --peers " + names()));
  }

  List<String> names() {
    return peers.stream().map(Peer::name).toList();
  }

  int size() {
    return peers.size();
  }
}
