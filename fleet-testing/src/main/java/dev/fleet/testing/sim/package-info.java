/**
 * A deterministic fleet simulator on virtual time, for properties and measurements of a real fleet.
 *
 * <p>{@link dev.fleet.testing.sim.FleetSimulator} runs N simulated agents (heartbeat jitter, pauses, crashes,
 * restarts, sleeps, partitions, slow results) and a {@link dev.fleet.testing.sim.Workload} against a fleet that
 * a {@link dev.fleet.testing.sim.FleetFactory} builds, following a {@link dev.fleet.testing.sim.FaultSchedule};
 * the {@link dev.fleet.testing.sim.SimulationResult} holds the event log, final statuses, accepted results and
 * failure-detection figures, and {@link dev.fleet.testing.sim.Invariants} checks the fleet's promises against
 * it. {@link dev.fleet.testing.sim.FaultSchedules} generates fault schedules for jqwik properties. Same seed,
 * same run. The cluster mode, several replicated coordinators on a simulated Raft over a fake network, is in
 * {@code dev.fleet.testing.sim.cluster}.
 */
package dev.fleet.testing.sim;
