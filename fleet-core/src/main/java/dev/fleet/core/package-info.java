/**
 * Fleet's engine, in process: {@link dev.fleet.core.Fleets} and {@link dev.fleet.core.FleetBuilder} build a
 * {@link dev.fleet.Fleet}; {@link dev.fleet.core.Strategies}, {@link dev.fleet.core.Detectors} and
 * {@link dev.fleet.core.FileJournal} are the placement strategies, failure detectors and durable journal that ship
 * with it, and {@link dev.fleet.FleetStats} (from {@link dev.fleet.Fleet#stats()}) is what it counts for metrics.
 */
package dev.fleet.core;
