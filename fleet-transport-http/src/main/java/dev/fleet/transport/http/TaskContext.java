package dev.fleet.transport.http;

import dev.fleet.MachineId;
import dev.fleet.Task;

/**
 * What a {@link TaskHandler} knows about the attempt it runs.
 *
 * <p>Thread-safe: {@link #isCancelled()} may turn true at any time from another thread.
 */
public interface TaskContext {

  /** The task as submitted. */
  Task task();

  /** Which attempt this is, from 1. */
  int attempt();

  /** The machine this agent runs as. */
  MachineId machine();

  /** Whether the attempt was withdrawn (cancelled, moved elsewhere, or the agent is stopping). */
  boolean isCancelled();

  /** Why it was withdrawn; empty while it was not. */
  String cancelReason();
}
