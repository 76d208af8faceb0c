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
 * @param suspicion phi, or seconds of silence, depending on the failure detector
 * @param connected whether an agent has joined as this machine and holds a credential
 * @param tasks the tasks dispatched to it and not finished
 */
public record RemoteMachine(MachineStatus status, double suspicion, boolean connected, List<TaskId> tasks) {
  public RemoteMachine {
    Objects.requireNonNull(status, "status");
    tasks = List.copyOf(tasks);
  }
}
