package dev.fleet.transport.http;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The coordinators of a fleet as one of them reports them ({@code GET /v1/coordinators}): which node answered,
 * which one leads, the term, and each node's URL and role. A single coordinator reports itself as the leader.
 *
 * <p>Immutable and thread-safe.
 *
 * @param self the name of the node that answered
 * @param leader the leader's name, empty while an election is under way
 * @param term the leader's term (a single coordinator's journal epoch, 0 without a journal)
 * @param nodes every coordinator, as the answering node knows them
 */
public record RemoteCoordinators(String self, Optional<String> leader, long term, List<Node> nodes) {
  /**
   * Validates the answer and copies the nodes.
   *
   * @param self the answering node's name
   * @param leader the leader's name, or empty
   * @param term not negative
   * @param nodes every coordinator; copied, none null
   * @throws NullPointerException if {@code self}, {@code leader}, {@code nodes} or one of the nodes is null
   * @throws IllegalArgumentException if {@code term} is negative, naming it
   */
  public RemoteCoordinators {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(leader, "leader");
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, got " + term);
    }
    nodes = List.copyOf(nodes);
  }

  /**
   * One coordinator.
   *
   * <p>Immutable and thread-safe.
   *
   * @param name its name among the coordinators
   * @param url where agents and clients reach it
   * @param role {@code leader}, {@code follower} or {@code unknown} (not heard from)
   */
  public record Node(String name, URI url, String role) {
    /**
     * Checks that nothing is missing.
     *
     * @param name its name; not null
     * @param url its URL; not null
     * @param role its role; not null
     * @throws NullPointerException if a component is null
     */
    public Node {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(role, "role");
    }
  }
}
