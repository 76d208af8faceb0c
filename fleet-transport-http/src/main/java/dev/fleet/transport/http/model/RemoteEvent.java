package dev.fleet.transport.http.model;

import dev.fleet.Health;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link dev.fleet.transport.http.HttpFleetClient#events} hands its consumer: a fleet event read from the coordinator's event stream,
 * a {@link Gap} where events were missed, or a {@link Reconnecting} notice when the stream was lost and is being
 * followed again. Fleet events carry the id to resume after.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface RemoteEvent
    permits RemoteEvent.TaskChanged, RemoteEvent.HealthChanged, RemoteEvent.Gap, RemoteEvent.Reconnecting {

  /**
   * A task moved from one state to another.
   *
   * @param id the event's id; resuming after it delivers the events that followed
   * @param at when the coordinator recorded it
   * @param task the task
   * @param from its previous state
   * @param to its new state
   * @param machine the machine involved, if any
   * @param attempt the attempt number, 0 before the first dispatch
   * @param reason why
   */
  record TaskChanged(long id, Instant at, TaskId task, TaskState from, TaskState to, Optional<MachineId> machine,
      int attempt, String reason) implements RemoteEvent {
    /**
     * Checks the event.
     *
     * @param id the event's id
     * @param at when the coordinator recorded it
     * @param task the task
     * @param from its previous state
     * @param to its new state
     * @param machine the machine involved, or empty
     * @param attempt the attempt number
     * @param reason why, in words
     * @throws NullPointerException if a component other than {@code id} and {@code attempt} is null
     */
    public TaskChanged {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(machine, "machine");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A machine moved from one health to another.
   *
   * @param id the event's id; resuming after it delivers the events that followed
   * @param at when the coordinator recorded it
   * @param machine the machine
   * @param from its previous health
   * @param to its new health
   * @param reason why
   */
  record HealthChanged(long id, Instant at, MachineId machine, Health from, Health to, String reason)
      implements RemoteEvent {
    /**
     * Checks the event.
     *
     * @param id the event's id
     * @param at when the coordinator recorded it
     * @param machine the machine
     * @param from its previous health
     * @param to its new health
     * @param reason why, in words
     * @throws NullPointerException if a component other than {@code id} is null
     */
    public HealthChanged {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(machine, "machine");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Events after {@code lastEventId} were missed: the coordinator no longer holds them, or it restarted. The
   * stream goes on after {@code resumesAfter}.
   *
   * @param lastEventId the id the stream was resumed from
   * @param resumesAfter the id the events that follow come after
   * @param missed how many were missed, when the coordinator knows
   * @param reason what happened, in words
   */
  record Gap(long lastEventId, long resumesAfter, OptionalLong missed, String reason) implements RemoteEvent {
    /**
     * Checks the notice.
     *
     * @param lastEventId the id the stream was resumed from
     * @param resumesAfter the id the events that follow come after
     * @param missed how many were missed, or empty if the coordinator does not know
     * @param reason what happened, in words
     * @throws NullPointerException if {@code missed} or {@code reason} is null
     */
    public Gap {
      Objects.requireNonNull(missed, "missed");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The stream ended or could not be opened; it is opened again after {@code delay}, resuming after the last
   * event delivered.
   *
   * @param reason why it ended, e.g. the coordinator dropped it or the connection was refused
   * @param delay how long until the next try
   */
  record Reconnecting(String reason, Duration delay) implements RemoteEvent {
    /**
     * Checks the notice.
     *
     * @param reason why the stream ended
     * @param delay how long until the next try
     * @throws NullPointerException if {@code reason} or {@code delay} is null
     */
    public Reconnecting {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(delay, "delay");
    }
  }
}
