package dev.fleet.transport.http.internal;

import dev.fleet.MachineId;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call the coordinator: the fleet's join token, the client (admin) credential, and one credential
 * per joined machine. Only SHA-256 hashes are kept; presented secrets are compared in constant time.
 *
 * <p>A machine credential reads {@code m.<machine id>.<secret>}: the id says which hash to compare with,
 * the secret is 256 random bits. Thread-safe.
 */
public final class Credentials {
  /** Who a request comes from. */
  public sealed interface Principal permits Admin, MachinePrincipal, Joiner {
    /** The key its request rate is limited by. */
    String rateKey();
  }

  /** The holder of the client credential: submits work and runs the fleet. */
  public record Admin() implements Principal {
    @Override
    public String rateKey() {
      return "admin";
    }
  }

  /** A joined machine, identified by its credential. */
  public record MachinePrincipal(MachineId id, String rateKey) implements Principal {
    public MachinePrincipal(MachineId id) {
      this(id, "machine:" + id.value());
    }
  }

  /** A machine's credential as kept: its hash, and the principal a request presenting it speaks as. */
  private record Issued(byte[] hash, MachinePrincipal principal) {}

  /** The holder of the join token, who may only join. */
  public record Joiner() implements Principal {
    @Override
    public String rateKey() {
      return "join";
    }
  }

  private static final String MACHINE_PREFIX = "m.";

  private final byte[] adminHash;
  private volatile byte[] joinHash;
  /** By machine id as text, so a request's credential is checked without parsing the id first. */
  private final ConcurrentHashMap<String, Issued> machines = new ConcurrentHashMap<>();

  public Credentials(String joinToken, String adminToken) {
    this.joinHash = Secrets.hash(Secrets.checkConfigured("joinToken", joinToken));
    this.adminHash = Secrets.hash(Secrets.checkConfigured("adminToken", adminToken));
    if (joinToken.equals(adminToken)) {
      throw new IllegalArgumentException("joinToken and adminToken must differ: a machine that may join must not "
          + "be able to run the fleet");
    }
  }

  /**
   * Who presented this bearer secret, if anyone: the admin, a machine with its current credential, or the
   * holder of the current join token.
   */
  public Optional<Principal> authenticate(String bearer) {
    if (bearer == null || bearer.isEmpty()) {
      return Optional.empty();
    }
    if (bearer.startsWith(MACHINE_PREFIX)) {
      int dot = bearer.lastIndexOf('.');
      if (dot > MACHINE_PREFIX.length()) {
        Issued issued = machines.get(bearer.substring(MACHINE_PREFIX.length(), dot));
        if (issued != null && Secrets.matches(bearer, issued.hash())) {
          return Optional.of(issued.principal());
        }
      }
      return Optional.empty();
    }
    byte[] presented = Secrets.hash(bearer);
    if (java.security.MessageDigest.isEqual(presented, adminHash)) {
      return Optional.of(new Admin());
    }
    byte[] join = joinHash;
    if (join != null && java.security.MessageDigest.isEqual(presented, join)) {
      return Optional.of(new Joiner());
    }
    return Optional.empty();
  }

  /** Makes a new credential for the machine, replacing any earlier one; returns it (the only copy). */
  public String issue(MachineId machine) {
    String credential = MACHINE_PREFIX + machine.value() + "." + Secrets.newSecret();
    machines.put(machine.value(), new Issued(Secrets.hash(credential), new MachinePrincipal(machine)));
    return credential;
  }

  /** Whether the machine has a credential. */
  public boolean hasCredential(MachineId machine) {
    return machines.containsKey(machine.value());
  }

  /** Invalidates the machine's credential; true if it had one. */
  public boolean revoke(MachineId machine) {
    return machines.remove(machine.value()) != null;
  }

  /** Replaces the join token with a new random one and returns it; the old one stops working at once. */
  public String rotateJoinToken() {
    String token = Secrets.newSecret();
    joinHash = Secrets.hash(token);
    return token;
  }

  /** Stops all joins until the token is rotated. */
  public void revokeJoinToken() {
    joinHash = null;
  }
}
