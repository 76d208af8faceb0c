package dev.fleet.transport.http.internal;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.StaleAttemptException;
import dev.fleet.TaskId;
import dev.fleet.TaskStatus;
import dev.fleet.UnknownTaskException;
import dev.fleet.transport.http.internal.Credentials.MachinePrincipal;
import dev.fleet.transport.http.internal.Credentials.Principal;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * {@code POST /v1/join} and the removal of a machine: a new machine is registered and issued a credential, a
 * known one reconnects with its credential and is told which of the attempts it runs are no longer current.
 *
 * <p>Thread-safe: joins and removals are serialised on one lock, so a machine is never registered without its
 * credential or removed half-way; the rest is in thread-safe collaborators.
 */
final class Joins {
  private static final System.Logger LOG = System.getLogger(Api.class.getName());

  private final Fleet fleet;
  private final Credentials credentials;
  private final Deliveries deliveries;
  private final Limits limits;
  private final JoinLimits joinLimits;
  private final String incarnation;
  private final Object joinLock = new Object();
  /** What a machine may claim: scoped join tokens, capability changes, claims held for approval. */
  private final ClaimCheck claims;

  Joins(Fleet fleet, Credentials credentials, Deliveries deliveries, Limits limits, JoinLimits joinLimits,
      String incarnation) {
    this.fleet = fleet;
    this.credentials = credentials;
    this.deliveries = deliveries;
    this.limits = limits;
    this.joinLimits = joinLimits;
    this.incarnation = incarnation;
    this.claims = new ClaimCheck(credentials.scopes(), new Approvals());
  }

  ClaimCheck claims() {
    return claims;
  }

  /** Removes a machine from the fleet and invalidates its credential; false if it was unknown. */
  boolean removeMachine(MachineId id) {
    synchronized (joinLock) {
      boolean revoked = credentials.revoke(id);
      boolean removed = fleet.registry().deregister(id);
      deliveries.forget(id);
      return revoked || removed;
    }
  }

  /**
   * Revokes the credential of a machine that left the fleet without {@link #removeMachine} (pruned, or
   * deregistered by the embedder), unless it is registered again by now.
   */
  void forgetIfGone(MachineId id) {
    synchronized (joinLock) {
      if (fleet.registry().get(id).isEmpty()) {
        credentials.revoke(id);
        deliveries.forget(id);
      }
    }
  }

  Wire.JoinResponse join(Principal who, Wire.JoinRequest req, Request request) {
    Machine m = WireMapping.input(() -> WireMapping.machine(req.machine()));
    String joinKey = req.joinKey() == null ? null : WireMapping.input(() -> Secrets.checkConfigured("joinKey",
        req.joinKey()));
    if (!(who instanceof MachinePrincipal)) {
      // A new machine, or one that lost its credential: counted, before anything changes. A reconnect with the
      // machine's own credential is not a new machine and is held only to the credential's request rate.
      joinLimits.charge(who.rateKey(), Access.address(request));
    }
    String credential;
    boolean reconnected;
    ClaimCheck.Admission admitted;
    synchronized (joinLock) {
      Optional<MachineStatus> existing = fleet.registry().get(m.id());
      if (who instanceof MachinePrincipal p) {
        if (!p.id().equals(m.id())) {
          throw Problem.forbidden("the credential is machine '" + p.id() + "''s; it cannot join as '" + m.id() + "'");
        }
        if (!credentials.hasCredential(p.id())) { // revoked since the request was authenticated: removed or pruned
          throw Problem.unauthorized("the credential is not valid: the machine was removed from the fleet");
        }
        credential = Access.bearer(request);
        reconnected = true;
      } else {
        // The same agent retrying a join whose answer it lost presents the join key it joined with; it gets a
        // fresh credential in place of the one that never reached it. Anyone else is refused the known id.
        if (credentials.hasCredential(m.id()) && !credentials.issuedTo(m.id(), joinKey)) {
          throw Problem.conflict("already-joined", "machine '" + m.id() + "' has already joined and holds a "
              + "credential; reconnect with that credential, or remove the machine (DELETE /v1/machines/" + m.id()
              + ") so it can join afresh");
        }
        reconnected = false;
        credential = null;
      }
      admitted = claims.admit(who, existing.map(MachineStatus::machine), m, joinKey, Access.address(request));
      if (existing.isPresent()) {
        fleet.registry().update(admitted.machine());
      } else {
        if (fleet.registry().size() >= limits.maxMachines()) {
          throw FleetFull.problem(fleet, limits.maxMachines());
        }
        fleet.registry().register(admitted.machine());
      }
      if (credential == null) {
        // Registered first, then the credential: it is journaled after the registration, so a crash leaves
        // either nothing the agent was told, or both.
        credential = credentials.issue(m.id(), joinKey);
      }
      claims.joined(who, admitted);
    }
    List<Wire.WithdrawnItem> withdrawn = reconnected ? notCurrent(m.id(), req.running()) : List.of();
    long cursor = deliveries.rejoin(m.id());
    LOG.log(Level.INFO, () -> "machine '" + m.id() + "' " + (reconnected ? "reconnected" : "joined") + " from "
        + Access.address(request));
    return new Wire.JoinResponse(m.id().value(), credential, reconnected,
        fleet.monitor().interval().toMillis(), fleet.monitor().suspectAfter().toMillis(),
        fleet.monitor().offlineAfter().toMillis(), limits.maxPollWait().toMillis(), cursor, incarnation, withdrawn,
        admitted.held());
  }

  /**
   * Of the attempts a reconnecting agent says it runs, those it must stop: the coordinator has no record of
   * them, they are not the task's current attempt, or they are another machine's. The current ones are marked
   * started, as the agent runs them.
   */
  private List<Wire.WithdrawnItem> notCurrent(MachineId caller, List<Wire.StartedItem> running) {
    if (running == null || running.isEmpty()) {
      return List.of();
    }
    if (running.size() > limits.maxTasksPerRequest()) {
      throw Problem.tooLarge("a join may report at most " + limits.maxTasksPerRequest() + " running attempts, got "
          + running.size());
    }
    List<Wire.WithdrawnItem> out = new ArrayList<>();
    for (Wire.StartedItem r : running) {
      if (r == null || r.task() == null || r.token() == null) {
        continue;
      }
      String why;
      try {
        why = whyNotCurrent(caller, WireMapping.taskId(r.task()), WireMapping.token(r.token(), "token"));
      } catch (RuntimeException e) {
        why = "the coordinator cannot read it: " + e.getMessage();
      }
      if (why != null) {
        out.add(new Wire.WithdrawnItem(r.task(), r.token(), why));
      }
    }
    return out;
  }

  /** Why an attempt the caller runs is not current, or null if it is. */
  private String whyNotCurrent(MachineId caller, TaskId task, long token) {
    Optional<Assignment> out = deliveries.outstanding(task);
    if (out.isPresent() && out.get().token() == token && !out.get().machine().equals(caller)) {
      return "task '" + task + "' is assigned to another machine";
    }
    Optional<TaskStatus> s = fleet.dispatcher().status(task);
    if (s.isEmpty()) {
      return "the coordinator has no record of task '" + task + "'";
    }
    if (s.get().state().isFinal()) {
      return "task '" + task + "' is " + s.get().state().name().toLowerCase(Locale.ROOT);
    }
    if (!s.get().machine().map(caller::equals).orElse(false)) {
      return "task '" + task + "' is not assigned to machine '" + caller + "'";
    }
    try {
      // The core is the judge of currency; after a restart the transport's own record may not be back yet. The
      // agent says it runs the attempt, so it has started, whether or not its report got in before the restart.
      fleet.dispatcher().started(task, token);
      return null;
    } catch (StaleAttemptException | UnknownTaskException e) {
      return e.getMessage();
    }
  }
}
