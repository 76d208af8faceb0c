package dev.fleet.transport.http;

import dev.fleet.TaskResult;

/**
 * Runs the tasks an {@link HttpAgent} receives: the plug-in point where a machine does its work.
 *
 * <p>Called on the agent's worker threads, up to the agent's slot count at once, each call for a different
 * attempt; implementations must be thread-safe. A call should return when
 * {@link TaskContext#isCancelled()} turns true (the thread is also interrupted): the attempt was withdrawn,
 * and its result would be refused.
 */
@FunctionalInterface
public interface TaskHandler {

  /**
   * Runs one attempt.
   *
   * @return the result to report; a thrown exception is reported as a failure with its message
   */
  TaskResult run(TaskContext context) throws Exception;
}
