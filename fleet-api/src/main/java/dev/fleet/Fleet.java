package dev.fleet;

/**
 * One fleet: a registry of machines, a heartbeat monitor that knows which are alive, and a dispatcher
 * that sends each task to the right machine. Built by {@code dev.fleet.core.Fleets.newBuilder()}.
 *
 * <p>Thread-safe. {@link #close()} stops its background sweep and event delivery; calls after close
 * throw {@link IllegalStateException}.
 */
public interface Fleet extends AutoCloseable {

  Registry registry();

  Dispatcher dispatcher();

  HeartbeatMonitor monitor();

  /**
   * Adds a listener for health and task events.
   *
   * @return closing it removes the listener
   */
  AutoCloseable subscribe(FleetListener listener);

  /** The active rules as plain sentences, generated from the live configuration. */
  String describeRules();

  @Override
  void close();
}
