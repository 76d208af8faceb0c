package dev.fleet;

/**
 * A listener's registration with a {@link Fleet}, returned by {@link Fleet#subscribe}: closing it stops the
 * listener's events without a checked exception to catch.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, the listener's own (from inside
 * {@link FleetListener#onEvent}) included, any number of times.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

  /**
   * Removes the listener: no event delivery to it starts after this returns. A call already under way on the
   * event executor when {@code close} is called still finishes. Closing again, or after the fleet has closed,
   * does nothing; closing one subscription never ends another, even one of the same listener object.
   */
  @Override
  void close();
}
