package dev.fleet.transport.http;

import dev.fleet.MachineStatus;
import dev.fleet.TaskId;
import java.util.List;
import java.util.Objects;

/**
 * A machine as a coordinator reports it over HTTP: its status, the failure detector's suspicion, whether an
 * agent has joined for it, and the tasks out on it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param status registration, health, load and signals
 * @param suspicion how suspect its silence is: phi, or seconds of silence, depending on the coordinator's
 *     failure detector; it grows the longer the machine is silent. For people, not for decisions
 * @param connected whether an agent has joined as this machine and holds a credential
 * @param tasks the tasks dispatched to it and not finished
 */
public record RemoteMachine(MachineStatus status, double suspicion, boolean connected, List<TaskId> tasks) {
  /**
   * Checks the status is there and copies the tasks.
   *
   * @param status the machine's status; not null
   * @param suspicion the failure detector's suspicion
   * @param connected whether an agent holds a credential for it
   * @param tasks the tasks out on it; copied, none null
   * @throws NullPointerException if {@code status}, {@code tasks} or one of the tasks is null
   */
  public RemoteMachine {
    Objects.requireNonNull(status, "status");
    tasks = List.copyOf(tasks);
  }
}
