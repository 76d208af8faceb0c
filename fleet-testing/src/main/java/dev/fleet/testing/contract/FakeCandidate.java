package dev.fleet.testing.contract;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import dev.fleet.spi.Candidate;

/**
 * A candidate with fixed facts, for exercising a strategy without a fleet.
 *
 * <p>Immutable and thread-safe.
 */
public record FakeCandidate(Machine machine, Health health, double load, Signals signals, long registrationOrder,
    int activeTasks) implements Candidate {

  @Override
  public MachineId id() {
    return machine.id();
  }
}
