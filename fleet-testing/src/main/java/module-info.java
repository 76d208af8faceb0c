/**
 * Fleet's test kit: hand-driven time ({@link dev.fleet.testing.FakeTicker}, {@link
 * dev.fleet.testing.ManualScheduler}), the placement-strategy contract tests a plugin author extends ({@link
 * dev.fleet.testing.contract.PlacementStrategyContract}), and a deterministic fleet simulator on virtual time.
 *
 * <p>Every package is exported: all of them are meant for tests outside Fleet. The contract's test methods are
 * public, so JUnit runs them on a user's subclass without this module opening anything; the user's own test
 * package must be open to {@code org.junit.platform.commons}, as for any JUnit test on the module path.
 */
module dev.fleet.testing {
  // Fleet's types are in every signature here.
  requires transitive dev.fleet.api;
  // A contract subclass is a JUnit test, and its failures are JUnit assertion errors.
  requires transitive org.junit.jupiter.api;
  // FaultSchedules hands out jqwik Arbitrary values.
  requires transitive net.jqwik.api;

  exports dev.fleet.testing;
  exports dev.fleet.testing.contract;
  exports dev.fleet.testing.sim;
  exports dev.fleet.testing.sim.cluster;
}
