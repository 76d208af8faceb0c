package dev.fleet.transport.http.internal;

import dev.fleet.MachineId;
import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.model.HeldClaim;
import dev.fleet.transport.http.model.JoinScope;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Converts scoped join tokens and held claims between Fleet's values and the {@link Wire} documents a client
 * sends and reads.
 *
 * <p>Stateless and thread-safe.
 */
public final class ScopeMapping {
  private ScopeMapping() {}

  /** The request that makes a token of this scope. */
  public static Wire.JoinTokenRequest request(JoinScope s) {
    return new Wire.JoinTokenRequest(s.name(), s.role().orElse(null), List.copyOf(s.capabilities()), s.idPattern(),
        s.beyond().word());
  }

  /** A listed scope, read back. */
  public static JoinScope scope(Wire.JoinScopeDto d) {
    return JoinScope.of(d.name(), d.role(), d.capabilities() == null ? List.of() : d.capabilities(),
        d.idPattern(), ClaimPolicy.parse(d.beyond()));
  }

  /** A held claim, read back. */
  public static HeldClaim claim(Wire.HeldClaimDto d) {
    return new HeldClaim(new MachineId(d.machine()), Optional.ofNullable(d.token()), d.known(), d.role(),
        new LinkedHashSet<>(d.capabilities() == null ? List.of() : d.capabilities()),
        d.beyond() == null ? List.of() : d.beyond(), d.state(), d.address() == null ? "" : d.address());
  }
}
