package dev.fleet.transport.http.internal;

import dev.fleet.MachineId;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Who may call the coordinator: the fleet's join token, the client (admin) credential, and one credential
 * per joined machine. Only SHA-256 hashes are kept; presented secrets are compared in constant time.
 *
 * <p>A machine credential reads {@code m.<machine id>.<secret>}: the id says which hash to compare with,
 * the secret is 256 random bits.
 *
 * <p>Every change (a credential issued or revoked, the join token rotated or revoked) is first handed to the
 * durable append function, which returns once the record is on disk, and only then takes effect and is
 * returned, so nothing an HTTP answer reveals can be lost by a crash. Records are idempotent "set" statements,
 * versioned by their first byte; {@link #replay} applies them and {@link #snapshot} writes the current state.
 * The join token given at construction is only the initial one: once a rotation or revocation was journaled,
 * the journaled state wins.
 *
 * <p>Thread-safe. Changes are serialized on the object's monitor, so records reach the journal in the order
 * they take effect; authentication takes no lock.
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

  /**
   * A machine's credential as kept: its hash, the hash of the join key the agent presented when it was issued
   * (empty if none), and the principal a request presenting it speaks as.
   */
  private record Issued(byte[] hash, byte[] joinKeyHash, MachinePrincipal principal) {}

  /**
   * The holder of a join token, who may only join: the fleet's own ({@code scope} null) or a scoped one, named by
   * {@code scope} ({@link JoinScopes}).
   */
  public record Joiner(String scope) implements Principal {
    public Joiner() {
      this(null);
    }

    @Override
    public String rateKey() {
      return scope == null ? "join" : "join:" + scope;
    }
  }

  private static final String MACHINE_PREFIX = "m.";
  /** The first byte of every record: the encoding's version. */
  private static final byte VERSION = 1;
  private static final byte SET_CREDENTIAL = 1;
  private static final byte REVOKE_CREDENTIAL = 2;
  private static final byte SET_JOIN_TOKEN = 3;
  private static final byte[] NONE = new byte[0];

  private final byte[] adminHash;
  private volatile byte[] joinHash;
  /** Whether the join token's state came from the journal (a rotation or revocation), so snapshots keep it. */
  private boolean joinJournaled;
  private Consumer<byte[]> durableAppend = record -> { };
  /** By machine id as text, so a request's credential is checked without parsing the id first. */
  private final ConcurrentHashMap<String, Issued> machines = new ConcurrentHashMap<>();
  /** The scoped join tokens, journaled with these records. */
  private final JoinScopes scopes = new JoinScopes();

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
    String scope = scopes.tokenFor(presented);
    return scope == null ? Optional.empty() : Optional.of(new Joiner(scope));
  }

  /** Sets the function that appends a record and returns once it is durable; records are written from now on. */
  public synchronized void attach(Consumer<byte[]> durableAppend) {
    this.durableAppend = Objects.requireNonNull(durableAppend, "durableAppend");
    scopes.attach(durableAppend);
  }

  /** The scoped join tokens, whose records are journaled, replayed and snapshot with these. */
  public JoinScopes scopes() {
    return scopes;
  }

  /** Makes a new credential for the machine, replacing any earlier one; returns it (the only copy). */
  public String issue(MachineId machine) {
    return issue(machine, null);
  }

  /**
   * Makes a new credential for the machine, replacing any earlier one, and remembers the hash of the join key
   * the agent presented (null for none), so the same agent may retry a join whose answer it lost. Returns the
   * credential (the only copy) once the change is durable.
   */
  public synchronized String issue(MachineId machine, String joinKey) {
    String credential = MACHINE_PREFIX + machine.value() + "." + Secrets.newSecret();
    Issued issued = new Issued(Secrets.hash(credential), joinKey == null ? NONE : Secrets.hash(joinKey),
        new MachinePrincipal(machine));
    durableAppend.accept(setCredential(machine.value(), issued));
    machines.put(machine.value(), issued);
    return credential;
  }

  /**
   * Whether the machine's credential was issued to a join that presented this join key: the agent that joined
   * lost the answer and is retrying. False if the machine has no credential, or it was issued without a key.
   */
  public boolean issuedTo(MachineId machine, String joinKey) {
    Issued issued = machines.get(machine.value());
    return joinKey != null && issued != null && issued.joinKeyHash().length > 0
        && Secrets.matches(joinKey, issued.joinKeyHash());
  }

  /** Whether the machine has a credential. */
  public boolean hasCredential(MachineId machine) {
    return machines.containsKey(machine.value());
  }

  /** Invalidates the machine's credential once that is durable; true if it had one. */
  public synchronized boolean revoke(MachineId machine) {
    if (!machines.containsKey(machine.value())) {
      return false;
    }
    durableAppend.accept(revokeCredential(machine.value()));
    scopes.forget(machine);
    return machines.remove(machine.value()) != null;
  }

  /**
   * Replaces the join token with a new random one and returns it once the change is durable; the old one stops
   * working at once.
   */
  public synchronized String rotateJoinToken() {
    String token = Secrets.newSecret();
    byte[] hash = Secrets.hash(token);
    durableAppend.accept(setJoinToken(hash));
    joinHash = hash;
    joinJournaled = true;
    return token;
  }

  /** Stops all joins until the token is rotated, once that is durable. */
  public synchronized void revokeJoinToken() {
    durableAppend.accept(setJoinToken(NONE));
    joinHash = null;
    joinJournaled = true;
  }

  /** Whether this is the join token joins are accepted with now. */
  public boolean isJoinToken(String token) {
    return Secrets.matches(token, joinHash);
  }

  /** Whether joins are refused until the join token is rotated. */
  public boolean joinTokenRevoked() {
    return joinHash == null;
  }

  // ------------------------------------------------------------------ records

  /**
   * Applies one record, as written by a change or a snapshot. Records are "set" statements, so applying one
   * twice, or one a snapshot already holds, leaves the same state.
   *
   * @throws IllegalArgumentException if the record is not one this version wrote
   */
  public synchronized void replay(byte[] record) {
    Objects.requireNonNull(record, "record");
    if (JoinScopes.isRecord(record)) {
      scopes.replay(record);
      return;
    }
    if (record.length < 2 || record[0] != VERSION) {
      throw new IllegalArgumentException("not a credentials record of version " + VERSION + ": "
          + (record.length == 0 ? "empty" : "version " + record[0] + ", " + record.length + " bytes"));
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(record, 2, record.length - 2))) {
      switch (record[1]) {
        case SET_CREDENTIAL -> {
          String id = in.readUTF();
          byte[] hash = bytes(in);
          byte[] joinKey = bytes(in);
          machines.put(id, new Issued(hash, joinKey, new MachinePrincipal(new MachineId(id))));
        }
        case REVOKE_CREDENTIAL -> machines.remove(in.readUTF());
        case SET_JOIN_TOKEN -> {
          byte[] hash = bytes(in);
          joinHash = hash.length == 0 ? null : hash;
          joinJournaled = true;
        }
        default -> throw new IllegalArgumentException("unknown credentials record kind " + record[1]);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("credentials record of kind " + record[1] + " is cut short ("
          + record.length + " bytes)", e);
    }
  }

  /** Writes records that recreate the current state from nothing. */
  public synchronized void snapshot(Consumer<byte[]> out) {
    if (joinJournaled) {
      out.accept(setJoinToken(joinHash == null ? NONE : joinHash));
    }
    for (Map.Entry<String, Issued> e : new java.util.TreeMap<>(machines).entrySet()) {
      out.accept(setCredential(e.getKey(), e.getValue()));
    }
    scopes.snapshot(out);
  }

  private static byte[] setCredential(String id, Issued issued) {
    return record(SET_CREDENTIAL, out -> {
      out.writeUTF(id);
      bytes(out, issued.hash());
      bytes(out, issued.joinKeyHash());
    });
  }

  private static byte[] revokeCredential(String id) {
    return record(REVOKE_CREDENTIAL, out -> out.writeUTF(id));
  }

  private static byte[] setJoinToken(byte[] hash) {
    return record(SET_JOIN_TOKEN, out -> bytes(out, hash));
  }

  private static byte[] record(byte kind, RecordWriter.Body body) {
    return RecordWriter.record(VERSION, kind, body);
  }

  private static void bytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeByte(b.length);
    out.write(b);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int n = in.readUnsignedByte();
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  @Override
  public String toString() {
    return "Credentials[" + machines.size() + " machines, join token " + (joinHash == null ? "revoked"
        : joinJournaled ? "rotated" : "as configured") + "]";
  }
}
