package dev.fleet.transport.http;

import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskResult;
import java.util.concurrent.Future;

/**
 * One attempt as an {@link HttpAgent} holds it, from the assignment until the coordinator has its result; the
 * handler sees it as its {@link TaskContext}.
 *
 * <p>Thread-safe: the fields that change are volatile, and pausing is under the job's monitor, where waiters in
 * {@link #awaitResumed()} are woken.
 */
final class AgentJob implements TaskContext {
  /** Where an attempt stands on the agent. */
  enum Phase {
    /** Waiting for a worker slot. */
    QUEUED,
    /** The handler runs it. */
    RUNNING,
    /** It has a result the coordinator has not yet answered. */
    REPORTING,
    /** The coordinator answered its result. */
    DONE
  }

  final Task task;
  final int attempt;
  final long token;
  private final MachineId machine;
  volatile Phase phase = Phase.QUEUED;
  /** Why it was stopped, or null; a stopped attempt's result is never reported. */
  volatile String cancelled;
  volatile Future<?> future;
  volatile TaskResult result;
  /** Set and cleared on the control thread; waiters in awaitResumed are woken under the job's monitor. */
  volatile boolean paused;

  AgentJob(Task task, int attempt, long token, MachineId machine) {
    this.task = task;
    this.attempt = attempt;
    this.token = token;
    this.machine = machine;
  }

  /** Whether it holds a slot or waits for one: running work, as the coordinator counts it. */
  boolean active() {
    return phase == Phase.QUEUED || phase == Phase.RUNNING;
  }

  void cancel(String reason) {
    cancelled = reason;
    synchronized (this) {
      notifyAll();
    }
    Future<?> f = future;
    if (f != null && phase != Phase.REPORTING) {
      f.cancel(true);
    }
  }

  /** Returns whether that changed anything. */
  synchronized boolean setPaused(boolean p) {
    if (paused == p) {
      return false;
    }
    paused = p;
    notifyAll();
    return true;
  }

  @Override
  public boolean isPaused() {
    return paused;
  }

  @Override
  public synchronized void awaitResumed() throws InterruptedException {
    while (paused && cancelled == null) {
      wait();
    }
  }

  @Override
  public Task task() {
    return task;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public long token() {
    return token;
  }

  @Override
  public MachineId machine() {
    return machine;
  }

  @Override
  public boolean isCancelled() {
    return cancelled != null;
  }

  @Override
  public String cancelReason() {
    String c = cancelled;
    return c == null ? "" : c;
  }
}
