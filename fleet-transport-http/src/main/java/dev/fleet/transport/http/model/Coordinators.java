package dev.fleet.transport.http.model;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a coordinator node says about the group of coordinators it belongs to, as {@code GET /v1/coordinators}
 * answers it: its own name, the leader it knows (none during an election), the term, and every node with its
 * URL and role. A single coordinator is a group of one that leads.
 *
 * <p>Immutable and thread-safe.
 *
 * @param self this node's name
 * @param leader the leading node's name, empty while no leader is known
 * @param term the Raft term this node is in (a single coordinator's journal epoch, 0 without a journal)
 * @param nodes every node of the group, this one included
 */
public record Coordinators(String self, Optional<String> leader, long term, List<Node> nodes) {
  /** A node's role as the answering node sees it; {@code UNKNOWN} for one it has not heard from. */
  public enum Role {
    /** It leads the group: it takes the fleet's writes and serves agents and clients. */
    LEADER,
    /** It follows the leader and redirects requests to it. */
    FOLLOWER,
    /** The answering node has not heard from it. */
    UNKNOWN
  }

  /**
   * One coordinator node: its name, where agents and clients reach it, and its role.
   *
   * @param name the node's name in the group
   * @param url where agents and clients reach it
   * @param role its role as the answering node sees it
   */
  public record Node(String name, URI url, Role role) {
    /**
     * Checks the node's parts.
     *
     * @param name the node's name in the group
     * @param url where agents and clients reach it
     * @param role its role as the answering node sees it
     * @throws NullPointerException if any of them is null
     */
    public Node {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(role, "role");
    }
  }

  /**
   * Checks the answer and copies its list of nodes.
   *
   * @param self this node's name, one of the nodes
   * @param leader the leading node's name, empty while no leader is known
   * @param term the Raft term, at least 0
   * @param nodes every node of the group, copied
   * @throws NullPointerException if {@code self}, {@code leader} or {@code nodes} is null
   * @throws IllegalArgumentException if {@code term} is negative or {@code self} is not among the nodes
   */
  public Coordinators {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(leader, "leader");
    nodes = List.copyOf(nodes);
    if (term < 0) {
      throw new IllegalArgumentException("term must be at least 0, was " + term);
    }
    if (nodes.stream().noneMatch(n -> n.name().equals(self))) {
      throw new IllegalArgumentException("the node answering, " + self + ", is not among the nodes " + nodes);
    }
  }

  /**
   * A coordinator that runs alone: it leads a group of one.
   *
   * @param name its name
   * @param url where agents and clients reach it
   * @param term its journal epoch, 0 without a journal
   * @return a group of that one node, leading
   * @throws IllegalArgumentException if {@code term} is negative
   */
  public static Coordinators single(String name, URI url, long term) {
    return new Coordinators(name, Optional.of(name), term, List.of(new Node(name, url, Role.LEADER)));
  }

  /**
   * Where the leader is reached.
   *
   * @return the leader's URL, or empty if no leader is known or it is not listed
   */
  public Optional<URI> leaderUrl() {
    return leader.flatMap(l -> nodes.stream().filter(n -> n.name().equals(l)).map(Node::url).findFirst());
  }
}
