package dev.fleet.transport.http.internal;

import dev.fleet.PayloadLimitException;
import dev.fleet.Task;
import dev.fleet.TaskId;
import java.util.List;

/**
 * The problems a submission refused for payload memory is answered with: 413 {@code payload-too-large} when one
 * task's payload is over the fleet's limit for one task, 507 {@code payload-budget-full} when the payload bytes
 * held for unfinished tasks would go over the fleet's budget. Both name the sizes and the limit; nothing was
 * submitted. A full budget is not the sender's mistake: the same request succeeds once enough work has ended.
 *
 * <p>Stateless and thread-safe.
 */
final class PayloadProblems {
  /** The short problem type of a payload over the limit for one task. */
  static final String TOO_LARGE = "payload-too-large";
  /** The short problem type of a submission the held payload budget has no room for. */
  static final String BUDGET_FULL = "payload-budget-full";

  private PayloadProblems() {}

  /** The problem for a refusal; {@code where} names the task in its request (e.g. {@code tasks[3]: }), or "". */
  static Problem of(PayloadLimitException e, String where) {
    if (e.limit() == PayloadLimitException.Limit.PER_TASK) {
      return new Problem(413, TOO_LARGE, where + e.getMessage());
    }
    return new Problem(507, BUDGET_FULL, where + e.getMessage());
  }

  /** {@code tasks[i]: } for the first task of the batch with this id, or "" if it is not in it. */
  static String where(List<Task> tasks, TaskId id) {
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).id().equals(id)) {
        return "tasks[" + i + "]: ";
      }
    }
    return "";
  }
}
