/**
 * Micrometer meters over a fleet: {@code dev.fleet.micrometer.FleetMetrics} binds a fleet's counts, queue and
 * timers to a {@code MeterRegistry}.
 */
module dev.fleet.micrometer {
  // FleetMetrics takes a dev.fleet.Fleet and Ticker, returns a dev.fleet.core.FleetStats.Snapshot, and is a
  // Micrometer MeterBinder taking Tags: all three are in its signatures.
  requires transitive dev.fleet.api;
  requires transitive dev.fleet.core;
  requires transitive micrometer.core;

  exports dev.fleet.micrometer;
}
