package dev.fleet.transport.http.model;

import dev.fleet.MachineId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A machine's claim that waits for the operator ({@code GET /v1/approvals}, {@code fleet approvals}): the role
 * and capabilities it claimed, what of that went beyond what it may claim, the join token it came with, and
 * whether the machine is known already (a re-join that adds capabilities or changes its role) or new.
 *
 * <p>Immutable and thread-safe.
 *
 * @param machine the machine whose claim it is
 * @param token the name of the scoped join token the claim came with; empty for the fleet's own join token
 * @param known whether the machine is registered already, with what it was approved with
 * @param role the role it claimed
 * @param capabilities the capabilities it claimed
 * @param beyond what went beyond, e.g. {@code capability 'gpu'}, one item each
 * @param state {@code held} (waiting) or {@code approved} (a new machine that may now join; its agent asks again)
 * @param address the address the claim came from
 */
public record HeldClaim(MachineId machine, Optional<String> token, boolean known, String role,
    Set<String> capabilities, List<String> beyond, String state, String address) {
  /**
   * Checks the claim and copies its sets and lists.
   *
   * @param machine the machine whose claim it is
   * @param token the scoped join token's name; empty for the fleet's own join token
   * @param known whether the machine is registered already
   * @param role the role it claimed
   * @param capabilities the capabilities it claimed, copied in their order
   * @param beyond what went beyond, copied
   * @param state {@code held} or {@code approved}
   * @param address the address the claim came from
   * @throws NullPointerException if a component is null
   */
  public HeldClaim {
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(role, "role");
    capabilities = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(capabilities));
    beyond = List.copyOf(beyond);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(address, "address");
  }
}
