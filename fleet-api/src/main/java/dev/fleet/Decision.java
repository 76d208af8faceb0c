package dev.fleet;

import java.util.List;
import java.util.Objects;

/**
 * What the dispatcher decided for a task: where it went, or why it waits, or why it was refused.
 *
 * <p>Immutable and thread-safe. Switch over the three cases; {@link #why()} explains each.
 */
public sealed interface Decision permits Decision.Dispatched, Decision.Queued, Decision.Rejected {

  /**
   * The task decided on.
   *
   * @return the task as submitted (or planned)
   */
  Task task();

  /**
   * Why the decision came out this way.
   *
   * @return the explanation; for {@link Dispatched} it is built on each call
   */
  Explanation why();

  /**
   * The task was sent to a machine (or, from {@link Dispatcher#plan}, would be).
   *
   * <p>The explanation is rendered only when asked for, so a decision costs one small object.
   *
   * @param task the task
   * @param machine where it goes
   * @param attempt which attempt this is, from 1
   * @param token the attempt's token; its result must carry it. 0 for a plan, which dispatches nothing
   * @param load the machine's effective load when it was chosen
   * @param ceiling the load ceiling that applied
   * @param strategy the name of the placement strategy that chose it
   * @param note why this machine beyond load, e.g. {@code "backup for role 'primary'"}; empty if nothing
   */
  record Dispatched(Task task, MachineId machine, int attempt, long token, double load, double ceiling, String strategy,
      String note) implements Decision {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param task not null
     * @param machine not null
     * @param attempt 1 or more
     * @param token any value; 0 marks a plan
     * @param load the effective load, as the fleet computed it
     * @param ceiling the ceiling, as the fleet computed it
     * @param strategy not null
     * @param note not null; empty if nothing
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range; the message names it and its value
     */
    public Dispatched {
      Objects.requireNonNull(task, "task must not be null");
      Objects.requireNonNull(machine, "machine must not be null");
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
      }
      Objects.requireNonNull(strategy, "strategy must not be null");
      Objects.requireNonNull(note, "note must not be null (use \"\")");
    }

    /**
     * Whether this came from a dry run ({@link Dispatcher#plan}) and dispatched nothing.
     *
     * @return true if {@link #token()} is 0
     */
    public boolean isPlan() {
      return token == 0;
    }

    @Override
    public Explanation why() {
      String detail = "load " + Loads.below(load, ceiling) + " < " + Loads.format(ceiling);
      return new Explanation(
          machine + " chosen by " + strategy + " (" + detail + ")" + (attempt > 1 ? ", attempt " + attempt : "")
              + (note.isEmpty() ? "" : "; " + note),
          List.of(new MachineVerdict(machine, Reason.FITS, detail)), 0, List.of());
    }
  }

  /**
   * No machine fits now; the task waits and is dispatched as soon as one does.
   *
   * @param task the task that waits
   * @param why each machine's verdict and what would let the task run
   */
  record Queued(Task task, Explanation why) implements Decision {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param task not null
     * @param why not null
     * @throws NullPointerException if a component is null
     */
    public Queued {
      Objects.requireNonNull(task, "task must not be null");
      Objects.requireNonNull(why, "why must not be null");
    }
  }

  /**
   * The task was refused and will not run.
   *
   * @param task the refused task
   * @param why why it was refused, e.g. the queue was full
   */
  record Rejected(Task task, Explanation why) implements Decision {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param task not null
     * @param why not null
     * @throws NullPointerException if a component is null
     */
    public Rejected {
      Objects.requireNonNull(task, "task must not be null");
      Objects.requireNonNull(why, "why must not be null");
    }
  }
}
