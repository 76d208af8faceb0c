package dev.fleet.transport.http;

import dev.fleet.MachineId;
import dev.fleet.Task;

/**
 * What a {@link TaskHandler} knows about the attempt it runs.
 *
 * <p>Thread-safe: {@link #isCancelled()} and {@link #isPaused()} may change at any time from another thread.
 */
public interface TaskContext {

  /**
   * The task as submitted.
   *
   * @return the task, with its payload, requirements and title
   */
  Task task();

  /**
   * Which attempt this is, from 1; a task gets another attempt when the machine of its last one went away.
   *
   * @return the attempt number, at least 1
   */
  int attempt();

  /**
   * The attempt's token: unique to this attempt, the same when the coordinator sends the attempt again (after a
   * reconnect or its own restart). Useful to make the task's side effects idempotent.
   *
   * @return the token the coordinator gave this attempt
   */
  long token();

  /**
   * The machine this agent runs as.
   *
   * @return the agent's machine id
   */
  MachineId machine();

  /**
   * Whether the attempt was withdrawn (cancelled, moved elsewhere, or the agent is stopping). Once true it stays
   * true; the attempt's result will not be reported.
   *
   * @return true once withdrawn
   */
  boolean isCancelled();

  /**
   * Why it was withdrawn.
   *
   * @return the reason the coordinator gave, or the agent's own when it stops or hands the attempt back; empty
   *     (not null) while it was not withdrawn
   */
  String cancelReason();

  /**
   * Whether the coordinator asked this attempt to pause because the owner of the machine returned; it turns
   * false again when the attempt may resume. The default, for contexts that know nothing of pauses, is false.
   *
   * @return true while the attempt is asked to pause
   */
  default boolean isPaused() {
    return false;
  }

  /**
   * Waits while the attempt is paused; returns at once when it is not, and as soon as it resumes or is
   * withdrawn. Call it at points where the work can safely stop for a while. The default returns at once.
   *
   * @throws InterruptedException if the thread is interrupted while it waits (the attempt was withdrawn)
   */
  default void awaitResumed() throws InterruptedException {}
}
