package dev.fleet.testing.contract;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import dev.fleet.spi.Candidate;

/**
 * A candidate with fixed facts, for exercising a strategy without a fleet; {@link FakeCandidates} decides whether
 * it is eligible from these facts, as a fleet would.
 *
 * <p>Immutable and thread-safe. Equal facts make equal records, but {@link FakeCandidates} and the contract compare
 * chosen candidates by identity, as a fleet does.
 *
 * @param machine the machine as registered; its id is this candidate's {@link #id()}
 * @param health its health; only {@code ONLINE} is eligible
 * @param load its load, where 1.0 is fully busy; eligible only below the view's ceiling
 * @param signals what its agent last reported besides load (battery, owner activity, thermals)
 * @param registrationOrder the order it joined in; lower joined earlier and wins ties
 * @param activeTasks tasks dispatched to it and not yet finished
 */
public record FakeCandidate(Machine machine, Health health, double load, Signals signals, long registrationOrder,
    int activeTasks) implements Candidate {

  /**
   * The machine's id.
   *
   * @return {@code machine().id()}
   */
  @Override
  public MachineId id() {
    return machine.id();
  }
}
