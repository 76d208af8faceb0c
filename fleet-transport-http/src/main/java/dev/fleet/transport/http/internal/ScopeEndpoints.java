package dev.fleet.transport.http.internal;

import static dev.fleet.transport.http.internal.Responses.json;

import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.model.HeldClaim;
import dev.fleet.transport.http.model.JoinScope;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The client endpoints that put capabilities under the operator's control: scoped join tokens
 * ({@code POST/GET /v1/join-tokens}, {@code DELETE /v1/join-tokens/{name}}) and the claims held for approval
 * ({@code GET /v1/approvals}, {@code POST /v1/approvals/{machine}} to approve, {@code DELETE} to dismiss).
 *
 * <p>Thread-safe: stateless beyond thread-safe collaborators.
 */
final class ScopeEndpoints {
  private static final System.Logger LOG = System.getLogger(Api.class.getName());

  private final Fleet fleet;
  private final JoinScopes scopes;
  private final Approvals approvals;

  ScopeEndpoints(Fleet fleet, JoinScopes scopes, Approvals approvals) {
    this.fleet = fleet;
    this.scopes = scopes;
    this.approvals = approvals;
  }

  /** Whether the endpoint is one of these. */
  static boolean serves(Endpoint endpoint) {
    return switch (endpoint) {
      case CREATE_JOIN_TOKEN, JOIN_TOKENS, REVOKE_SCOPED_JOIN_TOKEN, APPROVALS, APPROVE, DISMISS_CLAIM -> true;
      default -> false;
    };
  }

  void handle(Routes.Route route, byte[] body, Response response, Callback callback) {
    switch (route.endpoint()) {
      case CREATE_JOIN_TOKEN -> json(response, callback, 200, create(Json.read(body, Wire.JoinTokenRequest.class)));
      case JOIN_TOKENS -> {
        List<Wire.JoinScopeDto> out = new ArrayList<>();
        for (JoinScope s : scopes.list()) {
          out.add(dto(s));
        }
        json(response, callback, 200, out);
      }
      case REVOKE_SCOPED_JOIN_TOKEN -> {
        String name = route.param();
        if (!scopes.revoke(name)) {
          throw Problem.notFound("unknown-join-token", "no scoped join token is named '" + WireMapping.abbreviate(name)
              + "'; GET /v1/join-tokens lists them");
        }
        LOG.log(Level.INFO, () -> "join token '" + name + "' revoked");
        json(response, callback, 200, Map.of("revoked", true));
      }
      case APPROVALS -> {
        List<Wire.HeldClaimDto> out = new ArrayList<>();
        for (HeldClaim c : approvals.list()) {
          out.add(dto(c));
        }
        json(response, callback, 200, out);
      }
      case APPROVE -> json(response, callback, 200, approve(WireMapping.machineId(route.param())));
      case DISMISS_CLAIM -> {
        MachineId id = WireMapping.machineId(route.param());
        if (!approvals.dismiss(id)) {
          throw noClaim(id);
        }
        json(response, callback, 200, Map.of("dismissed", true));
      }
      default -> throw new IllegalStateException("route " + route.endpoint().label() + " is not a scope endpoint");
    }
  }

  private Wire.CreatedJoinTokenDto create(Wire.JoinTokenRequest r) {
    JoinScope scope = WireMapping.input(() -> JoinScope.of(WireMapping.required(r.name(), "name"), r.role(),
        r.capabilities() == null ? List.of() : r.capabilities(), r.idPattern() == null ? "*" : r.idPattern(),
        r.beyond() == null ? ClaimPolicy.REFUSE : ClaimPolicy.parse(r.beyond())));
    String token = scopes.create(scope); // durable before the answer reveals it
    LOG.log(Level.INFO, () -> "join token '" + scope.name() + "' made: " + ClaimCheck.describe(scope) + ", beyond: "
        + scope.beyond().word());
    return new Wire.CreatedJoinTokenDto(dto(scope), token);
  }

  private Wire.ApprovedDto approve(MachineId id) {
    Approvals.Claim c = approvals.approve(id).orElseThrow(() -> noClaim(id));
    String detail;
    if (c.known()) {
      if (fleet.registry().get(id).isEmpty()) {
        throw Problem.conflict("machine-gone", "machine '" + id + "' was removed since it made its claim; it must "
            + "join afresh");
      }
      fleet.registry().update(c.machine());
      detail = "machine '" + id + "' now has role '" + c.machine().role() + "' and capabilities "
          + c.machine().capabilities();
    } else {
      detail = "machine '" + id + "' may join with role '" + c.machine().role() + "' and capabilities "
          + c.machine().capabilities() + " the next time its agent asks";
    }
    LOG.log(Level.INFO, () -> "approved: " + detail);
    return new Wire.ApprovedDto(dto(c.view()), detail);
  }

  private static Problem noClaim(MachineId id) {
    return Problem.notFound("no-claim", "no claim of machine '" + id + "' waits for approval; GET /v1/approvals "
        + "(`fleet approvals`) lists those that do");
  }

  private Wire.JoinScopeDto dto(JoinScope s) {
    return new Wire.JoinScopeDto(s.name(), s.role().orElse(null), List.copyOf(s.capabilities()), s.idPattern(),
        s.beyond().word(), scopes.machinesOf(s.name()));
  }

  static Wire.HeldClaimDto dto(HeldClaim c) {
    return new Wire.HeldClaimDto(c.machine().value(), c.token().orElse(null), c.known(), c.role(),
        List.copyOf(c.capabilities()), c.beyond(), c.state(), c.address());
  }
}
