package dev.fleet;

import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened in the fleet: a machine changed health, or a task changed state.
 *
 * <p>Immutable and thread-safe. Delivered to {@link FleetListener}s in the order it happened.
 */
public sealed interface FleetEvent permits FleetEvent.HealthChanged, FleetEvent.TaskChanged {

  /**
   * When it happened.
   *
   * @return the fleet ticker's reading ({@link dev.fleet.spi.Ticker}, nanoseconds from no fixed origin), not
   *     wall-clock time: compare it only with other readings of the same fleet
   */
  long atNanos();

  /**
   * A machine moved from one {@link Health} to another.
   *
   * @param machine the machine
   * @param from its previous health
   * @param to its new health
   * @param reason why, e.g. {@code "silent for 30.0s >= 30.0s"}
   * @param atNanos when, in ticker nanoseconds (see {@link FleetEvent#atNanos()})
   */
  record HealthChanged(MachineId machine, Health from, Health to, String reason, long atNanos) implements FleetEvent {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param machine not null
     * @param from not null
     * @param to not null
     * @param reason not null
     * @param atNanos any ticker value
     * @throws NullPointerException if a component is null
     */
    public HealthChanged {
      Objects.requireNonNull(machine, "machine");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A task moved from one {@link TaskState} to another.
   *
   * @param task the task
   * @param from its previous state
   * @param to its new state
   * @param machine the machine involved, if any
   * @param attempt the attempt number, 0 before the first dispatch
   * @param reason why, e.g. the explanation's summary
   * @param atNanos when, in ticker nanoseconds (see {@link FleetEvent#atNanos()})
   */
  record TaskChanged(TaskId task, TaskState from, TaskState to, Optional<MachineId> machine, int attempt,
      String reason, long atNanos) implements FleetEvent {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param task not null
     * @param from not null
     * @param to not null
     * @param machine not null; empty if no machine is involved
     * @param attempt the attempt number
     * @param reason not null
     * @param atNanos any ticker value
     * @throws NullPointerException if a component is null
     */
    public TaskChanged {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(machine, "machine");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
