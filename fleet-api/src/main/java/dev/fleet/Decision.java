package dev.fleet;

import java.util.List;
import java.util.Objects;

/**
 * What the dispatcher decided for a task: where it went, or why it waits, or why it was refused.
 *
 * <p>Immutable and thread-safe. Switch over the three cases; {@link #why()} explains each.
 */
public sealed interface Decision permits Decision.Dispatched, Decision.Queued, Decision.Rejected {

  Task task();

  /** Why the decision came out this way. */
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
    public Dispatched {
      Objects.requireNonNull(task, "task must not be null");
      Objects.requireNonNull(machine, "machine must not be null");
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
      }
      Objects.requireNonNull(strategy, "strategy must not be null");
      Objects.requireNonNull(note, "note must not be null (use \"\")");
    }

    /** Whether this came from a dry run and dispatched nothing. */
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

  /** No machine fits now; the task waits and is dispatched as soon as one does. */
  record Queued(Task task, Explanation why) implements Decision {
    public Queued {
      Objects.requireNonNull(task, "task must not be null");
      Objects.requireNonNull(why, "why must not be null");
    }
  }

  /** The task was refused and will not run. */
  record Rejected(Task task, Explanation why) implements Decision {
    public Rejected {
      Objects.requireNonNull(task, "task must not be null");
      Objects.requireNonNull(why, "why must not be null");
    }
  }
}
