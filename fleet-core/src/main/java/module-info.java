/**
 * Fleet's engine: builds an in-process {@link dev.fleet.Fleet} ({@link dev.fleet.core.Fleets}), with the strategies,
 * failure detectors and file journal that ship with it. Everything under {@code dev.fleet.core.internal} is the
 * engine's own and not exported.
 */
module dev.fleet.core {
  requires transitive dev.fleet.api;
  // one bounded, expiring map: the idempotency keys (IdempotencyKeys)
  requires com.github.benmanes.caffeine;

  exports dev.fleet.core;

  // Strategies.named and FleetBuilder.detector(String) find plugins by name
  uses dev.fleet.spi.PlacementStrategy;
  uses dev.fleet.spi.FailureDetector;
}
