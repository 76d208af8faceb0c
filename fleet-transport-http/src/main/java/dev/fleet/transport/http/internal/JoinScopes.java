package dev.fleet.transport.http.internal;

import dev.fleet.MachineId;
import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.model.JoinScope;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The scoped join tokens (each a {@link JoinScope} and the hash of its secret), which scoped token each machine
 * joined with, and the policy for capability changes of machines that joined with the fleet's own token.
 *
 * <p>Durable beside the {@link Credentials} whose records it shares: every change is handed to the durable append
 * function first and takes effect once that returns. Its records start with {@link #VERSION}, a byte the
 * credentials' own records never start with, so one journal part holds both.
 *
 * <p>Thread-safe: changes are serialized on the object's monitor; reads take no lock.
 */
public final class JoinScopes {
  /** The first byte of every record of this class; the credentials' records start with 1. */
  static final byte VERSION = 0x40;
  /** The most scoped join tokens a coordinator keeps. */
  static final int MAX_TOKENS = 100;
  private static final byte SET_SCOPE = 1;
  private static final byte DROP_SCOPE = 2;
  private static final byte SET_MACHINE = 3;
  private static final byte DROP_MACHINE = 4;

  private record Scoped(JoinScope scope, byte[] hash) {}

  private final ConcurrentHashMap<String, Scoped> tokens = new ConcurrentHashMap<>();
  /** Machine id to the name of the scoped token it joined with; machines of the fleet's token are absent. */
  private final ConcurrentHashMap<String, String> machines = new ConcurrentHashMap<>();
  private volatile ClaimPolicy capabilityChanges = ClaimPolicy.HOLD;
  private Consumer<byte[]> durableAppend = record -> { };

  /** Whether a record is one of this class's, not a credentials record. */
  static boolean isRecord(byte[] record) {
    return record != null && record.length > 0 && record[0] == VERSION;
  }

  /** What happens when a machine of the fleet's own join token adds capabilities or changes its role. */
  public ClaimPolicy capabilityChanges() {
    return capabilityChanges;
  }

  public void capabilityChanges(ClaimPolicy policy) {
    this.capabilityChanges = Objects.requireNonNull(policy, "capabilityChanges");
  }

  synchronized void attach(Consumer<byte[]> durableAppend) {
    this.durableAppend = Objects.requireNonNull(durableAppend, "durableAppend");
  }

  /** The name of the scoped token whose secret hashes to this, or null. */
  String tokenFor(byte[] presentedHash) {
    for (Scoped s : tokens.values()) {
      if (MessageDigest.isEqual(presentedHash, s.hash())) {
        return s.scope().name();
      }
    }
    return null;
  }

  /** Makes a scoped join token; returns its secret (the only copy) once it is durable. */
  synchronized String create(JoinScope scope) {
    Objects.requireNonNull(scope, "scope");
    if (tokens.containsKey(scope.name())) {
      throw Problem.conflict("join-token-exists", "a join token named '" + scope.name() + "' exists already; revoke "
          + "it first (DELETE /v1/join-tokens/" + scope.name() + ") or choose another name");
    }
    if (tokens.size() >= MAX_TOKENS) {
      throw Problem.conflict("too-many-join-tokens", "the coordinator keeps at most " + MAX_TOKENS + " scoped join "
          + "tokens; revoke one first (DELETE /v1/join-tokens/{name})");
    }
    String secret = Secrets.newSecret();
    Scoped s = new Scoped(scope, Secrets.hash(secret));
    durableAppend.accept(setScope(s));
    tokens.put(scope.name(), s);
    return secret;
  }

  /** Revokes a scoped token once that is durable; machines that joined with it keep their credentials. */
  synchronized boolean revoke(String name) {
    if (!tokens.containsKey(name)) {
      return false;
    }
    durableAppend.accept(record(DROP_SCOPE, out -> out.writeUTF(name)));
    tokens.remove(name);
    return true;
  }

  /** The scoped tokens, by name. */
  List<JoinScope> list() {
    List<JoinScope> out = new ArrayList<>();
    for (Scoped s : new TreeMap<>(tokens).values()) {
      out.add(s.scope());
    }
    return out;
  }

  Optional<JoinScope> scope(String name) {
    Scoped s = name == null ? null : tokens.get(name);
    return s == null ? Optional.empty() : Optional.of(s.scope());
  }

  /** The scoped token the machine joined with; empty for the fleet's own token. */
  Optional<String> scopeOf(MachineId machine) {
    return Optional.ofNullable(machines.get(machine.value()));
  }

  /** How many machines joined with the named token and are still known. */
  int machinesOf(String name) {
    return (int) machines.values().stream().filter(name::equals).count();
  }

  /** Remembers which token a machine joined with (null for the fleet's own), once that is durable. */
  synchronized void remember(MachineId machine, String tokenName) {
    String id = machine.value();
    if (Objects.equals(machines.get(id), tokenName)) {
      return;
    }
    if (tokenName == null) {
      durableAppend.accept(record(DROP_MACHINE, out -> out.writeUTF(id)));
      machines.remove(id);
    } else {
      durableAppend.accept(setMachine(id, tokenName));
      machines.put(id, tokenName);
    }
  }

  /** Forgets a removed machine. */
  void forget(MachineId machine) {
    remember(machine, null);
  }

  // ------------------------------------------------------------------ records

  /** Applies one of this class's records; applying one twice leaves the same state. */
  synchronized void replay(byte[] record) {
    if (record.length < 2 || record[0] != VERSION) {
      throw new IllegalArgumentException("not a join scope record of version " + VERSION + ": " + record.length
          + " bytes");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record, 2, record.length - 2))) {
      switch (record[1]) {
        case SET_SCOPE -> {
          String name = in.readUTF();
          byte[] hash = new byte[in.readUnsignedByte()];
          in.readFully(hash);
          String role = in.readUTF();
          int n = in.readUnsignedShort();
          Set<String> caps = new LinkedHashSet<>();
          for (int i = 0; i < n; i++) {
            caps.add(in.readUTF());
          }
          String pattern = in.readUTF();
          ClaimPolicy beyond = ClaimPolicy.parse(in.readUTF());
          tokens.put(name, new Scoped(JoinScope.of(name, role.isEmpty() ? null : role, caps, pattern, beyond), hash));
        }
        case DROP_SCOPE -> tokens.remove(in.readUTF());
        case SET_MACHINE -> {
          String id = in.readUTF();
          machines.put(id, in.readUTF());
        }
        case DROP_MACHINE -> machines.remove(in.readUTF());
        default -> throw new IllegalArgumentException("unknown join scope record kind " + record[1]);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("join scope record of kind " + record[1] + " is cut short ("
          + record.length + " bytes)", e);
    }
  }

  /** Writes records that recreate the current state from nothing. */
  synchronized void snapshot(Consumer<byte[]> out) {
    for (Scoped s : new TreeMap<>(tokens).values()) {
      out.accept(setScope(s));
    }
    for (Map.Entry<String, String> e : new TreeMap<>(machines).entrySet()) {
      out.accept(setMachine(e.getKey(), e.getValue()));
    }
  }

  private static byte[] setScope(Scoped s) {
    JoinScope scope = s.scope();
    return record(SET_SCOPE, out -> {
      out.writeUTF(scope.name());
      out.writeByte(s.hash().length);
      out.write(s.hash());
      out.writeUTF(scope.role().orElse(""));
      out.writeShort(scope.capabilities().size());
      for (String c : scope.capabilities()) {
        out.writeUTF(c);
      }
      out.writeUTF(scope.idPattern());
      out.writeUTF(scope.beyond().word());
    });
  }

  private static byte[] setMachine(String id, String tokenName) {
    return record(SET_MACHINE, out -> {
      out.writeUTF(id);
      out.writeUTF(tokenName);
    });
  }

  private static byte[] record(byte kind, RecordWriter.Body body) {
    return RecordWriter.record(VERSION, kind, body);
  }

  @Override
  public String toString() {
    return "JoinScopes[" + tokens.size() + " scoped tokens, capability changes " + capabilityChanges.word() + "]";
  }
}
