package dev.fleet.transport.http.internal;

import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.transport.http.model.HeldClaim;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The claims that wait for the operator: a new machine's join, or a known machine's change, that went beyond what
 * it may claim under a policy of {@code hold}. A new machine's claim, once approved, waits for its agent to ask
 * again; a known machine's is applied at once by whoever approves it.
 *
 * <p>Kept in memory only: after a restart an agent still waiting asks again and is held again. At most
 * {@link #MAX_CLAIMS} wait at once, so joins with a token cannot fill the coordinator's memory.
 *
 * <p>Thread-safe: every method is synchronized on the object.
 */
final class Approvals {
  /** The most claims that wait at once. */
  static final int MAX_CLAIMS = 100;

  /**
   * One claim.
   *
   * @param token the scoped token it came with, null for the fleet's own
   * @param joinKeyHash the hash of the join key the agent presented, empty if none: only that agent may join once
   *     a new machine's claim is approved
   */
  record Claim(Machine machine, String token, boolean known, List<String> beyond, byte[] joinKeyHash,
      String address, boolean approved) {
    HeldClaim view() {
      return new HeldClaim(machine.id(), Optional.ofNullable(token), known, machine.role(), machine.capabilities(),
          beyond, approved ? "approved" : "held", address);
    }

    boolean sameClaimant(String otherToken, String joinKey) {
      return Objects.equals(token, otherToken) && (joinKeyHash.length == 0 ? joinKey == null
          : joinKey != null && Secrets.matches(joinKey, joinKeyHash));
    }
  }

  private final Map<MachineId, Claim> claims = new LinkedHashMap<>();

  /**
   * Holds a claim. A known machine's replaces the one it had waiting; a new machine's replaces only one from the
   * same agent (same token and join key), so another holder of a token cannot put its claim in the place of one
   * the operator is looking at.
   *
   * @param joinKey the join key the agent presented, null if none
   */
  synchronized void hold(Claim claim, String joinKey) {
    Claim before = claims.get(claim.machine().id());
    if (before != null && !before.known() && !claim.known() && !before.sameClaimant(claim.token(), joinKey)) {
      throw Problem.conflict("claim-waiting", "machine '" + claim.machine().id() + "' already has a claim waiting "
          + "for approval from another agent; `fleet approvals` lists it, `fleet approve --dismiss "
          + claim.machine().id() + "` drops it");
    }
    if (before == null && claims.size() >= MAX_CLAIMS) {
      throw Problem.conflict("too-many-claims", MAX_CLAIMS + " claims wait for approval already; approve or dismiss "
          + "some first (`fleet approvals`)");
    }
    claims.put(claim.machine().id(), claim);
  }

  /** The approved claim of a new machine, if this agent (its token and join key) made it. */
  synchronized Optional<Claim> approvedFor(MachineId machine, String token, String joinKey) {
    Claim c = claims.get(machine);
    return c != null && c.approved() && c.sameClaimant(token, joinKey) ? Optional.of(c) : Optional.empty();
  }

  /**
   * Approves the machine's claim: a new machine's stays, marked approved, until its agent joins; a known machine's
   * is removed and returned for the caller to apply. Empty if none waits.
   */
  synchronized Optional<Claim> approve(MachineId machine) {
    Claim c = claims.get(machine);
    if (c == null) {
      return Optional.empty();
    }
    if (c.known()) {
      claims.remove(machine);
      return Optional.of(c);
    }
    Claim approved = new Claim(c.machine(), c.token(), false, c.beyond(), c.joinKeyHash(), c.address(), true);
    claims.put(machine, approved);
    return Optional.of(approved);
  }

  /** Drops the machine's claim, whatever its state; false if none waited. */
  synchronized boolean dismiss(MachineId machine) {
    return claims.remove(machine) != null;
  }

  /** The machine joined, or re-joined within what it may claim: a claim it had waiting is moot. */
  synchronized void settled(MachineId machine) {
    claims.remove(machine);
  }

  synchronized List<HeldClaim> list() {
    List<HeldClaim> out = new ArrayList<>();
    for (Claim c : claims.values()) {
      out.add(c.view());
    }
    return out;
  }
}
