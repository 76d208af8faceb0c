/**
 * A contract test kit for third-party {@link dev.fleet.spi.PlacementStrategy} implementations: extend
 * {@link dev.fleet.testing.contract.PlacementStrategyContract}.
 */
package dev.fleet.testing.contract;
