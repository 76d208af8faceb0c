package dev.fleet;

/**
 * One fleet: a registry of machines, a heartbeat monitor that knows which are alive, and a dispatcher
 * that sends each task to the right machine. Built by {@code dev.fleet.core.Fleets.newBuilder()}.
 *
 * <p>Thread-safe. {@link #close()} stops its background sweep and event delivery; calls after close
 * throw {@link IllegalStateException}.
 */
public interface Fleet extends AutoCloseable {

  /**
   * The machines of this fleet: register, update, drain and remove them.
   *
   * @return the fleet's registry; the same object on every call, usable from any thread
   */
  Registry registry();

  /**
   * Where tasks are submitted and their attempts reported.
   *
   * @return the fleet's dispatcher; the same object on every call, usable from any thread
   */
  Dispatcher dispatcher();

  /**
   * Where heartbeats arrive and machines' health is read.
   *
   * @return the fleet's heartbeat monitor; the same object on every call, usable from any thread
   */
  HeartbeatMonitor monitor();

  /**
   * Adds a listener for health and task events. Each call is a registration of its own: subscribing the same
   * listener twice delivers every event to it twice, until each subscription is closed.
   *
   * @param listener called for every event from now on, on the fleet's event executor (see
   *     {@link FleetListener} for the threading); must not be null
   * @return the registration; {@link Subscription#close()} removes the listener, throws nothing and may be called
   *     more than once
   * @throws NullPointerException if {@code listener} is null
   * @throws IllegalStateException if the fleet is closed
   */
  Subscription subscribe(FleetListener listener);

  /**
   * The active rules as plain sentences, generated from the live configuration: for people, not for parsing.
   *
   * @return several lines of text, never empty
   */
  String describeRules();

  /**
   * Writes a consistent copy of the fleet's durable state (registry, tasks, and the state of durable parts
   * such as a transport's credentials) to {@code out}, in the format {@code FileJournal.restore} reads. Taken
   * under the fleet's lock and written after it is released; the fleet keeps serving meanwhile.
   *
   * @param out where the copy is written; not closed by this method
   * @throws java.io.IOException if writing to {@code out} fails
   * @throws UnsupportedOperationException if this fleet cannot take backups
   */
  default void backup(java.io.OutputStream out) throws java.io.IOException {
    throw new UnsupportedOperationException(getClass().getName() + " cannot take backups");
  }

  /**
   * Runs {@code work}, whose calls on this fleet are then written to its journal with one wait for the disk
   * instead of one each: inside it, calls return as soon as their change is made, and {@code batch} returns
   * once every change they made is on disk (and only then are the attempts they dispatched delivered). Answer
   * whoever asked for the changes after it returns, not from inside. A fleet without a journal just runs it.
   *
   * @param <T> what {@code work} returns
   * @param work the calls to batch, run once on the calling thread; what it throws is thrown on, after the
   *     changes made before the throw are on disk
   * @return what {@code work} returned
   * @throws dev.fleet.spi.JournalException if the journal failed, even if {@code work} returned normally
   */
  default <T> T batch(java.util.function.Supplier<T> work) {
    return work.get();
  }

  /**
   * What the fleet's own history says about its capacity over the last {@code window}: tasks that waited for a
   * capability no machine has, saturated capabilities and roles, machines that sat idle, and work that waited
   * for a machine's power or owner. The history is bounded (see the implementation for its horizon); a window
   * longer than it is cut to it.
   *
   * @param window how far back from now (ticker time) to look; positive
   * @return the findings over that window, each with the evidence behind it
   * @throws IllegalArgumentException if {@code window} is not positive
   * @throws UnsupportedOperationException if this fleet keeps no history
   */
  default CapacityReport capacity(java.time.Duration window) {
    throw new UnsupportedOperationException(getClass().getName() + " keeps no capacity history");
  }

  /**
   * Replays the tasks recorded in the last {@code window} (when each arrived, what it required, how long it ran;
   * tasks still waiting run a minute) in a deterministic simulation, on the machines registered now and on them
   * plus {@code add} minus {@code remove}, and compares each capability's p95 wait. Same history, same answer.
   *
   * @param window how far back from now (ticker time) the replayed tasks arrived; positive
   * @param add machines to add for the comparison, none of them registered; may be empty
   * @param remove registered machines to leave out of the comparison; may be empty
   * @return each capability's p95 wait with the machines of now and with the changed set
   * @throws IllegalArgumentException if {@code window} is not positive, a machine to remove is not registered, or
   *     one to add is
   * @throws UnsupportedOperationException if this fleet keeps no history
   */
  default CapacityWhatIf capacityWhatIf(java.time.Duration window, java.util.List<Machine> add,
      java.util.List<MachineId> remove) {
    throw new UnsupportedOperationException(getClass().getName() + " keeps no capacity history");
  }

  /**
   * The fleet's counts, for metrics: what it did since it was built and what it holds now.
   *
   * @return a view that stays live for as long as the fleet; empty if this fleet keeps no counts (a remote one,
   *     say)
   */
  default java.util.Optional<FleetStats> stats() {
    return java.util.Optional.empty();
  }

  @Override
  void close();
}
