package dev.fleet.transport.http.internal;

import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.model.JoinScope;
import dev.fleet.transport.http.internal.Credentials.Joiner;
import dev.fleet.transport.http.internal.Credentials.Principal;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Judges what a joining machine claims against what it may claim, before anything is registered: a scoped join
 * token allows a role, a set of capabilities and a machine id pattern; a machine that joined already may keep
 * what it was approved with (its registration) and, with a scoped token, add what the scope allows; a machine
 * of the fleet's own join token is trusted on its first join, and adding capabilities or changing its role later
 * follows the coordinator's capability-changes policy. What goes beyond is accepted, held for the operator's
 * approval ({@link Approvals}) or refused with 403, as the token's policy says.
 *
 * <p>Thread-safe: stateless beyond its thread-safe collaborators; {@code Joins} calls it under its join lock.
 */
final class ClaimCheck {
  private static final System.Logger LOG = System.getLogger(Api.class.getName());

  /**
   * What a join may register.
   *
   * @param machine the claim, or for a known machine whose change is held, the claim cut back to what it was
   *     approved with
   * @param held what of the claim waits for approval, as the agent is told; null if nothing
   * @param token the scoped token the machine joins with, null for the fleet's own
   */
  record Admission(Machine machine, String held, String token) {}

  private final JoinScopes scopes;
  private final Approvals approvals;

  ClaimCheck(JoinScopes scopes, Approvals approvals) {
    this.scopes = scopes;
    this.approvals = approvals;
  }

  Approvals approvals() {
    return approvals;
  }

  /**
   * Judges a claim.
   *
   * @param who the join token's holder or the machine itself
   * @param registered the machine's registration, if it has one
   * @param joinKey the join key the agent presented, null if none
   * @throws Problem 403 {@code beyond-scope} if refused, 403 {@code held-for-approval} if a new machine is held
   */
  Admission admit(Principal who, Optional<Machine> registered, Machine claimed, String joinKey, String address) {
    MachineId id = claimed.id();
    String token = who instanceof Joiner j ? j.scope() : scopes.scopeOf(id).orElse(null);
    JoinScope scope = scopes.scope(token).orElse(null); // a revoked scope leaves its machines to the default
    Machine approved = registered.orElse(null);
    boolean idApproved = false; // a scoped token's id pattern binds also ids the registry knows
    if (approved == null && who instanceof Joiner) {
      Optional<Approvals.Claim> claim = approvals.approvedFor(id, token, joinKey);
      if (claim.isPresent()) {
        approved = claim.get().machine();
        idApproved = true;
      }
    }
    List<String> beyond = beyond(scope, who instanceof Joiner && !idApproved, approved, claimed);
    if (beyond.isEmpty()) {
      return new Admission(claimed, null, token);
    }
    ClaimPolicy policy = scope != null ? scope.beyond() : approved == null ? ClaimPolicy.ACCEPT
        : scopes.capabilityChanges();
    String limit = scope != null ? "the scope of join token '" + scope.name() + "' (" + describe(scope) + ")"
        : "what it was approved with (role '" + approved.role() + "', capabilities " + approved.capabilities() + ")";
    String claims = "machine '" + id + "' claims " + String.join(", ", beyond) + ", beyond " + limit;
    switch (policy) {
      case ACCEPT -> {
        LOG.log(Level.INFO, () -> claims + "; accepted, as the coordinator accepts capability changes");
        return new Admission(claimed, null, token);
      }
      case REFUSE -> throw new Problem(403, "beyond-scope", claims + "; refused, nothing changed"
          + (approved != null && registered.isPresent() ? " (it keeps role '" + approved.role() + "' and capabilities "
              + approved.capabilities() + ")" : ""));
      default -> { }
    }
    String approve = "run `fleet approve " + id + "` on the coordinator to allow it";
    if (registered.isEmpty()) {
      approvals.hold(new Approvals.Claim(claimed, token, false, beyond, joinKey == null ? new byte[0]
          : Secrets.hash(joinKey), address, false), joinKey);
      LOG.log(Level.WARNING, () -> claims + "; held for approval: `fleet approve " + id + "` lets it join");
      throw new Problem(403, "held-for-approval", claims + "; held for approval: run `fleet approve " + id + "` on "
          + "the coordinator to let it join");
    }
    Machine cut = cutBack(claimed, approved, beyond);
    approvals.hold(new Approvals.Claim(claimed, token, true, beyond, new byte[0], address, false), joinKey);
    String held = claims + "; held for approval: " + approve + "; until then it has role '" + cut.role()
        + "' and capabilities " + cut.capabilities();
    LOG.log(Level.WARNING, held);
    return new Admission(cut, held, token);
  }

  /** What of the claim goes beyond the scope (if any) and what was approved (if anything). */
  private static List<String> beyond(JoinScope scope, boolean checkId, Machine approved, Machine claimed) {
    List<String> out = new ArrayList<>();
    if (scope != null) {
      if (checkId && !scope.allowsId(claimed.id())) {
        out.add("id '" + claimed.id() + "' (the token allows ids like '" + scope.idPattern() + "')");
      }
      if (scope.role().isPresent() && !scope.role().get().equals(claimed.role())
          && (approved == null || !approved.role().equals(claimed.role()))) {
        out.add("role '" + claimed.role() + "'");
      }
      for (String c : claimed.capabilities()) {
        if (!scope.capabilities().contains(c) && (approved == null || !approved.capabilities().contains(c))) {
          out.add("capability '" + c + "'");
        }
      }
    } else if (approved != null) {
      if (!approved.role().equals(claimed.role())) {
        out.add("role '" + claimed.role() + "'");
      }
      for (String c : claimed.capabilities()) {
        if (!approved.capabilities().contains(c)) {
          out.add("capability '" + c + "'");
        }
      }
    }
    return out;
  }

  /** The claim without what goes beyond: the approved role if the role went beyond, and no capability that did. */
  private static Machine cutBack(Machine claimed, Machine approved, List<String> beyond) {
    Set<String> caps = new LinkedHashSet<>();
    for (String c : claimed.capabilities()) {
      if (!beyond.contains("capability '" + c + "'")) {
        caps.add(c);
      }
    }
    String role = beyond.contains("role '" + claimed.role() + "'") ? approved.role() : claimed.role();
    return new Machine(claimed.id(), claimed.hostname(), role, caps, claimed.specs(), claimed.labels());
  }

  /**
   * Records what a join that got through leaves behind: which token a machine that joined with one joined with,
   * and that a claim it had waiting is moot if nothing of this one is held.
   */
  void joined(Principal who, Admission admitted) {
    MachineId id = admitted.machine().id();
    if (who instanceof Joiner) {
      scopes.remember(id, admitted.token());
    }
    if (admitted.held() == null) {
      approvals.settled(id);
    }
  }

  static String describe(JoinScope scope) {
    return "role " + scope.role().map(r -> "'" + r + "'").orElse("any") + ", capabilities " + scope.capabilities()
        + ", ids '" + scope.idPattern() + "'";
  }
}
