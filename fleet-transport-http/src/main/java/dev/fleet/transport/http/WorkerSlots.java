package dev.fleet.transport.http;

import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.transport.http.internal.RecentTokens;
import dev.fleet.transport.http.internal.Wire;
import dev.fleet.transport.http.internal.WireMapping;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The attempts an {@link HttpAgent} holds and the worker threads that run them: at most {@code slots} handlers
 * run at once, and more attempts wait for a slot. It starts what is assigned, stops what is withdrawn, pauses
 * and resumes, and hands each result to the {@link Outbox}.
 *
 * <p>Assignments, withdrawals, pauses and {@link #handBack} run on the agent's control thread, as does the
 * bookkeeping of attempts already finished; handlers run on the worker threads; the views
 * ({@link #activeTasks()}, {@link #isEmpty()}) may be read from any thread.
 */
final class WorkerSlots {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());
  private static final int REMEMBERED_TOKENS = 10_000;
  /** How long an attempt runs before it is reported started; shorter ones are not reported until their result. */
  static final long STARTED_REPORT_DELAY_MILLIS = 50;

  private final MachineId machine;
  private final TaskHandler handler;
  private final int slots;
  private final ScheduledExecutorService control;
  private final ThreadPoolExecutor workers;
  private final ConcurrentHashMap<Long, AgentJob> jobs = new ConcurrentHashMap<>();
  /** Attempts this agent has finished with, so one sent again is not run twice. Confined to the control thread. */
  private final RecentTokens finished = new RecentTokens(REMEMBERED_TOKENS);
  /** Told (on any thread) each time an attempt leaves this agent, e.g. so a departure sees it go idle. */
  private final Runnable released;
  private Outbox outbox;

  /**
   * Slots for one agent's attempts.
   *
   * @param machine the agent's machine, for log lines and task contexts
   * @param handler what runs each attempt, on a worker thread
   * @param slots how many attempts run at once; exactly this many worker threads
   * @param control the agent's control thread, where reports and state changes go
   * @param threads makes the worker threads
   * @param released told (on any thread) each time an attempt leaves this agent
   */
  WorkerSlots(MachineId machine, TaskHandler handler, int slots, ScheduledExecutorService control,
      ThreadFactory threads, Runnable released) {
    this.machine = machine;
    this.handler = handler;
    this.slots = slots;
    this.control = control;
    this.released = released;
    // Exactly `slots` threads: the bound on handlers running at once, whatever the coordinator sends.
    this.workers = new ThreadPoolExecutor(slots, slots, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        threads);
  }

  /**
   * Where started and results go; set once, before the first attempt arrives.
   *
   * @param outbox the agent's outbox
   */
  void reportTo(Outbox outbox) {
    this.outbox = outbox;
  }

  /**
   * How many attempts run at once.
   *
   * @return the slot count the agent was built with
   */
  int slots() {
    return slots;
  }

  /**
   * The tasks this agent runs or holds for a slot now.
   *
   * @return a new list, in no particular order
   */
  List<TaskId> activeTasks() {
    List<TaskId> out = new ArrayList<>();
    for (AgentJob j : jobs.values()) {
      if (j.active()) {
        out.add(j.task.id());
      }
    }
    return out;
  }

  /**
   * Whether no attempt is here at all, not even one whose result waits to be reported.
   *
   * @return true if the agent holds nothing
   */
  boolean isEmpty() {
    return jobs.isEmpty();
  }

  /**
   * Running attempts and those waiting for a slot, leaving out paused ones (the coordinator does too).
   *
   * @return how many count toward the load the agent reports
   */
  int busy() {
    int busy = 0;
    for (AgentJob j : jobs.values()) {
      if (j.active() && !j.paused) {
        busy++;
      }
    }
    return busy;
  }

  /**
   * The attempts this agent runs or holds for a slot, as a reconnect reports them.
   *
   * @return one item per attempt, with its token
   */
  List<Wire.StartedItem> running() {
    List<Wire.StartedItem> out = new ArrayList<>();
    for (AgentJob j : jobs.values()) {
      if (j.active() && j.cancelled == null) {
        out.add(new Wire.StartedItem(j.task.id().value(), WireMapping.token(j.token)));
      }
    }
    return out;
  }

  /**
   * Takes an attempt the coordinator assigned, unless it is here already or was finished (sent again after a
   * reconnect). Runs it in a slot as soon as one is free. Called on the control thread.
   *
   * @param task the task
   * @param attempt its attempt number
   * @param token the attempt's token, its identity in reports
   */
  void assigned(Task task, int attempt, long token) {
    if (jobs.containsKey(token) || finished.contains(token)) {
      return; // sent again after a reconnect: this attempt is here already
    }
    AgentJob job = new AgentJob(task, attempt, token, machine);
    jobs.put(token, job);
    job.future = workers.submit(() -> run(job));
  }

  /**
   * The coordinator moved the attempt elsewhere: it is stopped without a report and never run again here.
   * Called on the control thread.
   *
   * @param token the attempt's token; one this agent does not hold is only remembered
   * @param reason why, for the log and the handler
   */
  void withdrawn(long token, String reason) {
    finished.add(token);
    AgentJob job = jobs.remove(token);
    if (job != null) {
      job.cancel(reason);
      LOG.log(Level.INFO, machine + ": stopped " + job.task.id() + " attempt " + job.attempt + ": " + reason);
      released.run();
    }
  }

  /**
   * The coordinator answered the attempt's result: it is done here.
   *
   * @param job the attempt whose result was taken (or refused as stale)
   */
  void reported(AgentJob job) {
    jobs.remove(job.token, job);
    finished.add(job.token);
    job.phase = AgentJob.Phase.DONE;
    released.run();
  }

  /**
   * Stops every attempt that runs or waits for a slot, without reporting anything for it: the coordinator moves
   * them. Attempts whose results wait to be reported stay.
   *
   * @param reason why, for the log and the handlers
   * @return how many were stopped
   */
  int handBack(String reason) {
    int stopped = 0;
    for (AgentJob j : List.copyOf(jobs.values())) {
      if (j.active() && j.cancelled == null) {
        finished.add(j.token);
        jobs.remove(j.token, j);
        j.cancel(reason);
        stopped++;
        LOG.log(Level.INFO, machine + ": handed back " + j.task.id() + " attempt " + j.attempt + ": " + reason);
      }
    }
    if (stopped > 0) {
      released.run();
    }
    return stopped;
  }

  /**
   * A pause or resumption for an attempt this agent holds; one for an attempt it does not hold is ignored.
   *
   * @param token the attempt's token
   * @param pause true to pause, false to resume
   * @param reason why, as the coordinator said, passed to the handler's hook
   */
  void pauseChanged(long token, boolean pause, String reason) {
    AgentJob job = jobs.get(token);
    if (job == null || job.cancelled != null || job.phase == AgentJob.Phase.REPORTING
        || job.phase == AgentJob.Phase.DONE || !job.setPaused(pause)) {
      return;
    }
    LOG.log(Level.INFO, machine + ": " + (pause ? "paused " : "resumed ") + job.task.id() + " attempt "
        + job.attempt + ": " + reason);
    try {
      if (pause) {
        handler.paused(job, reason);
      } else {
        handler.resumed(job, reason);
      }
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, machine + ": the task handler failed to " + (pause ? "pause " : "resume ")
          + job.task.id(), e);
    }
  }

  /**
   * Stops everything at once: every attempt is interrupted and nothing more is reported.
   *
   * @param reason why, for the handlers
   */
  void stop(String reason) {
    for (AgentJob j : jobs.values()) {
      j.cancel(reason);
    }
    workers.shutdownNow();
  }

  private void run(AgentJob job) {
    if (job.cancelled != null) {
      return;
    }
    try {
      job.awaitResumed(); // paused before it got a slot: it starts when it may run
    } catch (InterruptedException e) {
      return; // withdrawn, or the agent stops
    }
    if (job.cancelled != null) {
      return;
    }
    job.phase = AgentJob.Phase.RUNNING;
    // Reported only if it is still running a moment later: a short task's result says it started, and a report
    // per task would double the agent's requests.
    control.schedule(() -> outbox.queueStarted(job), STARTED_REPORT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    TaskResult result;
    try {
      result = handler.run(job);
      if (result == null) {
        result = TaskResult.failure("the task handler returned no result");
      }
    } catch (InterruptedException e) {
      result = TaskResult.failure("interrupted");
    } catch (Exception | LinkageError | AssertionError e) {
      String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      result = TaskResult.failure(msg.length() > 2000 ? msg.substring(0, 2000) : msg);
    }
    if (job.cancelled != null) {
      return; // withdrawn or handed back: whatever the handler said is not this attempt's result
    }
    job.result = result;
    job.phase = AgentJob.Phase.REPORTING;
    control.execute(() -> outbox.queueResult(job));
  }
}
