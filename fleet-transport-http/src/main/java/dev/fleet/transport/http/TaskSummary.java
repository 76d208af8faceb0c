package dev.fleet.transport.http;

import dev.fleet.MachineId;
import dev.fleet.Priority;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One task in a coordinator's listing ({@link HttpFleetClient#tasks(TaskFilter)}): where it is and how it ended,
 * without its payload or output.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the task
 * @param title its title
 * @param state where it is in its life
 * @param machine the machine of its current or last attempt, if it was ever dispatched
 * @param attempt the number of its current or last attempt, 0 before the first
 * @param maxAttempts how many attempts it may lose to machines going away
 * @param priority its priority
 * @param requires the capabilities it needs
 * @param role the machine role it prefers, if any
 * @param sinceDispatch how long ago its current or last attempt was dispatched, when the coordinator answered
 * @param succeeded whether its result was a success, once it has one
 * @param outputBytes the size of its result's output, once it has one
 * @param summary the one-line explanation of where it is
 */
public record TaskSummary(TaskId id, String title, TaskState state, Optional<MachineId> machine, int attempt,
    int maxAttempts, Priority priority, Set<String> requires, Optional<String> role, Optional<Duration> sinceDispatch,
    Optional<Boolean> succeeded, OptionalInt outputBytes, String summary) {
  /**
   * Checks that nothing is missing and copies the capabilities.
   *
   * @param id the task; not null
   * @param title its title; not null
   * @param state its state; not null
   * @param machine its machine, or empty
   * @param attempt its attempt number, or 0
   * @param maxAttempts how many attempts it may lose
   * @param priority its priority; not null
   * @param requires the capabilities it needs; copied, none null
   * @param role its preferred role, or empty
   * @param sinceDispatch time since its dispatch, or empty
   * @param succeeded whether it succeeded, or empty
   * @param outputBytes its output's size, or empty
   * @param summary its one-line explanation; not null
   * @throws NullPointerException if a component other than the numbers, or one of the capabilities, is null
   */
  public TaskSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(priority, "priority");
    requires = Set.copyOf(requires);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(sinceDispatch, "sinceDispatch");
    Objects.requireNonNull(succeeded, "succeeded");
    Objects.requireNonNull(outputBytes, "outputBytes");
    Objects.requireNonNull(summary, "summary");
  }
}
