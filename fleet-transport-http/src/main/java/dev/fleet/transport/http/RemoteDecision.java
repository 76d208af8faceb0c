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
 * @param task the task submitted
 * @param outcome dispatched, queued or rejected
 * @param machine where it went, when it was dispatched; else empty
 * @param attempt the attempt number when dispatched (from 1), else 0
 * @param why the coordinator's explanation: the machine chosen and why, or what it waits for, or why it was
 *     refused
 */
public record RemoteDecision(TaskId task, Outcome outcome, Optional<MachineId> machine, int attempt, Explanation why) {

  /** The three ways a submission can come out. */
  public enum Outcome {
    /** Sent to a machine at once; {@link RemoteDecision#machine()} says which. */
    DISPATCHED,
    /** No machine fits now; the task waits and is dispatched as soon as one does. */
    QUEUED,
    /** Refused; it will not run. {@link RemoteDecision#why()} says why. */
    REJECTED
  }

  /**
   * Checks that nothing is missing.
   *
   * @param task the task; not null
   * @param outcome how it came out; not null
   * @param machine where it went, or empty; not null
   * @param attempt the attempt number, or 0
   * @param why the explanation; not null
   * @throws NullPointerException if {@code task}, {@code outcome}, {@code machine} or {@code why} is null
   */
  public RemoteDecision {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(why, "why");
  }
}
