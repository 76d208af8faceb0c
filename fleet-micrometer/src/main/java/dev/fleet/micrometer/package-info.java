/**
 * Micrometer meters over a fleet: {@link dev.fleet.micrometer.FleetMetrics} is a {@code MeterBinder} that
 * publishes a fleet's machines, queue, dispatch decisions, failovers, heartbeats, journal and task timers to a
 * {@code MeterRegistry}.
 */
package dev.fleet.micrometer;
