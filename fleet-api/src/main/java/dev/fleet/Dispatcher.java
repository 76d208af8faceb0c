package dev.fleet;

import java.util.List;
import java.util.Optional;

/**
 * Sends tasks to machines, queues what does not fit, and tracks each task to its end.
 *
 * <p>Thread-safe. Queued tasks are dispatched automatically, highest priority first and first come
 * first served within a priority, as soon as a registration, heartbeat, completion or cancellation
 * could let them fit; there is no polling loop.
 */
public interface Dispatcher {

  /**
   * Places a task now, or queues it with the reason.
   *
   * <p>A second submission with the same {@link Task#idempotencyKey()} returns the first task's
   * current decision and submits nothing.
   *
   * @param task the task to run; not null
   * @return where it went ({@link Decision.Dispatched}, with the attempt's token), why it waits
   *     ({@link Decision.Queued}), or why it was refused ({@link Decision.Rejected})
   * @throws IllegalStateException if a different task with the same id was submitted already
   * @throws PayloadLimitException if its payload is larger than one task may carry, or would take the payload
   *     bytes held for unfinished tasks over the fleet's budget; nothing is submitted
   */
  Decision submit(Task task);

  /**
   * Submits tasks one after another, as {@link #submit} would, and returns their decisions in the same order.
   * A durable fleet writes them to its journal together, so one thread pays one disk sync for the lot.
   *
   * @param tasks the tasks, in the order they are submitted; may be empty
   * @return one decision per task, in the order of {@code tasks}
   * @throws IllegalStateException if a task's id was submitted already with different content; the tasks
   *     before it are submitted, those after it are not
   * @throws PayloadLimitException as {@link #submit} does; a fleet that checks payloads checks the whole batch
   *     first and submits none of it
   */
  default java.util.List<Decision> submitAll(java.util.List<Task> tasks) {
    java.util.List<Decision> out = new java.util.ArrayList<>(tasks.size());
    for (Task t : tasks) {
      out.add(submit(t));
    }
    return out;
  }

  /**
   * A dry run: what {@link #submit} would decide now. Changes nothing and publishes no event.
   *
   * @param task the task to place; not null, and need not be new
   * @return the decision {@code submit} would make now; a {@link Decision.Dispatched} from here has token 0 and
   *     {@link Decision.Dispatched#isPlan()} true
   * @throws PayloadLimitException if {@code submit} would refuse the task's payload
   */
  Decision plan(Task task);

  /**
   * A machine reports it started the attempt: the task becomes {@link TaskState#RUNNING}, and the next
   * heartbeat from that machine is taken to include its load. A {@link TaskState#PAUSED} task stays paused
   * and resumes as running.
   *
   * @param task the task whose attempt started
   * @param token the attempt's token, from {@link Decision.Dispatched#token()} or {@link Assignment#token()}
   * @return the task's status after the start
   * @throws UnknownTaskException if the task is unknown
   * @throws StaleAttemptException if the token is not the task's current attempt
   */
  TaskStatus started(TaskId task, long token);

  /**
   * Records the result of an attempt. Exactly one result is accepted per task. A paused attempt is still
   * the task's current one, so its result is accepted too (its machine may finish it before it hears of the
   * pause).
   *
   * @param task the task whose attempt ended
   * @param token the attempt's token, from {@link Decision.Dispatched#token()} or {@link Assignment#token()}
   * @param result what the attempt produced; not null
   * @return the task's final status: {@link TaskState#SUCCEEDED} or {@link TaskState#FAILED} (a failure result
   *     is not retried; only a lost machine is)
   * @throws UnknownTaskException if the task is unknown
   * @throws StaleAttemptException if the token is not the task's current attempt, or it has a result
   */
  TaskStatus complete(TaskId task, long token, TaskResult result);

  /**
   * Cancels a task that has not finished, paused ones included. A later result for it is refused.
   *
   * @param task the task to cancel
   * @return whether it was cancelled (false if it had already finished)
   * @throws UnknownTaskException if the task is unknown
   */
  boolean cancel(TaskId task);

  /**
   * Moves a queued or running task to the named machine by hand, as a new attempt; a running attempt's
   * token stops being valid. The machine must be online and have the task's capabilities; its load
   * ceiling does not apply, since a person chose it. The move is explained on the task.
   *
   * @param task the queued or running task to move
   * @param machine where to move it
   * @return the new attempt, with its token
   * @throws UnknownTaskException if the task is unknown
   * @throws UnknownMachineException if the machine is not registered
   * @throws IllegalStateException if the task has finished, or the machine is not online or lacks a
   *     capability (the message says which)
   */
  Decision.Dispatched reroute(TaskId task, MachineId machine);

  /**
   * One task's status now.
   *
   * @param task the task to look up
   * @return its status, or empty if the fleet does not know it (never submitted, or finished and forgotten)
   */
  Optional<TaskStatus> status(TaskId task);

  /**
   * Why a task is where it is; for a queued task the reasons are worked out afresh.
   *
   * @param task the task to explain
   * @return the explanation, with a verdict per machine for a waiting task
   * @throws UnknownTaskException if the task is unknown
   */
  Explanation explain(TaskId task);

  /**
   * The queued tasks in the order they will be dispatched, each with a fresh explanation.
   *
   * @return an immutable snapshot; empty if nothing waits
   */
  List<TaskStatus> queue();

  /**
   * Every task the fleet knows now: the live ones (queued, dispatched, running, paused) and the finished ones
   * it still remembers (the most recent, up to its finished-task retention), in submission order, oldest
   * first. Each carries its latest explanation as recorded; a waiting task's reasons are not worked out afresh
   * (use {@link #explain} or {@link #queue} for that). A point-in-time copy: later changes do not show in it.
   *
   * @return every known task, oldest first; empty if none
   */
  List<TaskStatus> tasks();
}
