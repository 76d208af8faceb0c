package dev.fleet.transport.http.internal;

import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Health;
import dev.fleet.MachineId;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Revokes the credential of a machine that left the fleet other than through the API's removal: pruned by the
 * fleet's sweep, or deregistered by the embedder. Its agent's next request is refused (401) and it joins afresh
 * with the join token, as after {@code fleet rm}. A machine that is registered again by the time its turn comes
 * (it reconnected in between) keeps its credential.
 *
 * <p>Thread-safe. {@link #onEvent} runs on the fleet's event executor and never blocks: the revocations, which
 * wait for the journal, run on the request threads, many of them in one {@link Fleet#batch} so a prune of a
 * thousand machines costs one sync, not a thousand. A crash between a prune and its revocation leaves the
 * credential; the machine then simply reconnects with it.
 */
final class Departures {
  private static final System.Logger LOG = System.getLogger("dev.fleet.transport.http.HttpCoordinator");

  private final Fleet fleet;
  private final Joins joins;
  private final Executor executor;
  private final ConcurrentLinkedQueue<MachineId> gone = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  Departures(Fleet fleet, Joins joins, Executor executor) {
    this.fleet = fleet;
    this.joins = joins;
    this.executor = executor;
  }

  void onEvent(FleetEvent event) {
    if (event instanceof FleetEvent.HealthChanged h && h.to() == Health.LEFT) {
      gone.add(h.machine());
      if (draining.compareAndSet(false, true)) {
        try {
          executor.execute(this::drain);
        } catch (RuntimeException e) { // stopping: the credentials stay, and reconnect if the machine comes back
          draining.set(false);
          LOG.log(Level.DEBUG, "not revoking the credentials of departed machines: " + e);
        }
      }
    }
  }

  private void drain() {
    try {
      while (!gone.isEmpty()) {
        fleet.batch(() -> {
          for (MachineId id = gone.poll(); id != null; id = gone.poll()) {
            joins.forgetIfGone(id);
          }
          return null;
        });
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "revoking the credentials of machines that left the fleet failed; they may reconnect "
          + "with them", e);
    } finally {
      draining.set(false);
      if (!gone.isEmpty() && draining.compareAndSet(false, true)) {
        try {
          executor.execute(this::drain); // one arrived after the loop looked
        } catch (RuntimeException e) {
          draining.set(false);
        }
      }
    }
  }
}
