package dev.fleet;

/**
 * Receives {@link FleetEvent}s.
 *
 * <p>Called on the fleet's event executor, one event at a time, in the order events happened, never
 * while the fleet holds a lock. A listener that throws is logged and keeps receiving events.
 */
@FunctionalInterface
public interface FleetListener {
  /**
   * Takes one event. Return quickly: events for every listener wait behind this call.
   *
   * @param event what happened; never null
   */
  void onEvent(FleetEvent event);
}
