package dev.fleet.transport.http;

import dev.fleet.Explanation;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import java.util.Objects;
import java.util.Optional;

/**
 * What a coordinator decided for a task submitted over HTTP: where it went, or why it waits or was refused.
 *
 * <p>Immutable and thread-safe.
 *
 * @param task the task
 * @param outcome dispatched, queued or rejected
 * @param machine where it went, when it was dispatched
 * @param attempt the attempt number when dispatched, else 0
 * @param why the explanation
 */
public record RemoteDecision(TaskId task, Outcome outcome, Optional<MachineId> machine, int attempt, Explanation why) {

  /** The three ways a submission can come out. */
  public enum Outcome { DISPATCHED, QUEUED, REJECTED }

  public RemoteDecision {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(why, "why");
  }
}
