/**
 * Micrometer meters over a fleet: {@code dev.fleet.micrometer.FleetMetrics} binds a fleet's counts, queue and
 * timers to a {@code MeterRegistry}.
 */
module dev.fleet.micrometer {
  // FleetMetrics takes a dev.fleet.Fleet and Ticker, returns a dev.fleet.FleetStats.Snapshot, and is a
  // Micrometer MeterBinder taking Tags: both are in its signatures. It reads any Fleet's stats(), so it needs no
  // fleet-core.
  requires transitive dev.fleet.api;
  requires transitive micrometer.core;

  exports dev.fleet.micrometer;
}
