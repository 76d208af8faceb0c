package dev.fleet.transport.http;

import dev.fleet.TaskResult;

/**
 * Runs the tasks an {@link HttpAgent} receives: the plug-in point where a machine does its work.
 *
 * <p>Called on the agent's worker threads, up to the agent's slot count at once, each call for a different
 * attempt; implementations must be thread-safe. A call should return when
 * {@link TaskContext#isCancelled()} turns true (the thread is also interrupted): the attempt was withdrawn,
 * and its result would be refused.
 *
 * <p>Background work whose task pauses when the machine's owner returns (see {@link dev.fleet.OwnerReturnPolicy})
 * gets {@link #paused} and later {@link #resumed}, on the agent's control thread. By default these do nothing
 * more than the agent does anyway: {@link TaskContext#isPaused()} turns true, and a handler that calls
 * {@link TaskContext#awaitResumed()} at safe points waits there until the pause ends. A handler that runs an
 * outside process may instead override them, e.g. to stop and continue it. A handler that ignores pauses keeps
 * running; its result is still accepted.
 */
@FunctionalInterface
public interface TaskHandler {

  /**
   * Runs one attempt, on one of the agent's worker threads; returns when the work is done or withdrawn.
   *
   * @param context the attempt: its task, number and token, and whether it was withdrawn or paused
   * @return the result to report (null is reported as a failure); not reported if the attempt was withdrawn
   *     meanwhile
   * @throws Exception any failure of the work: the agent reports a failed result naming the exception's class
   *     and message (at most 2,000 characters); {@link InterruptedException} is reported as {@code interrupted}
   */
  TaskResult run(TaskContext context) throws Exception;

  /**
   * The attempt should pause: the owner of this machine returned. Called on the agent's control thread after
   * {@link TaskContext#isPaused()} turned true; must return promptly (signal the work, do not wait for it). The
   * default does nothing more. An exception is logged.
   *
   * @param context the attempt that pauses, the same object {@link #run} got
   * @param reason why, e.g. {@code "the owner of laptop returned"}
   */
  default void paused(TaskContext context, String reason) {}

  /**
   * A paused attempt may run again, with the same token. Called on the agent's control thread after
   * {@link TaskContext#isPaused()} turned false and waiters in {@link TaskContext#awaitResumed()} were released;
   * must return promptly. The default does nothing more.
   *
   * @param context the attempt that resumes, the same object {@link #run} got
   * @param reason why, e.g. {@code "the owner of laptop has been away 12min"}
   */
  default void resumed(TaskContext context, String reason) {}
}
