/**
 * A contract test kit for third-party {@link dev.fleet.spi.PlacementStrategy} implementations: extend {@link
 * dev.fleet.testing.contract.PlacementStrategyContract}, return your strategy, and run the subclass with JUnit 5.
 *
 * <p>The checks that run by default hold for every correct strategy, one that declines machines included;
 * stronger promises (determinism, placing whenever something is eligible) are overridable expectations listed on
 * the class. {@link dev.fleet.testing.contract.FakeCandidates} and {@link
 * dev.fleet.testing.contract.FakeCandidate} let a test call a strategy without a fleet.
 */
package dev.fleet.testing.contract;
