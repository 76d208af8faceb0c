package dev.fleet.testing.sim.cluster;

import dev.fleet.Assignment;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One simulated machine's agent in a replicated cluster: it heartbeats every interval (with jitter) to the
 * coordinator it believes leads, following redirects and passing over coordinators that do not answer; runs
 * what it is assigned for the task's planned time; and reports {@code started} and the result to whichever
 * coordinator leads then, keeping a report that got no answer (a failed journal, no leader) to send again at
 * its next heartbeat. Its heartbeat sequence and attempt tokens carry over leader changes, as a real agent's
 * credential does. A report refused as stale is dropped. A redelivered attempt it already runs, or has a result
 * for that is still unanswered, is not run again.
 *
 * <p>Not thread-safe: driven by the simulation's one thread.
 */
final class ClusterAgent {
  final int index;
  final MachineId id;
  private final ClusterRun run;
  private final SplittableRandom random;
  private final int[] guess = {0};
  private long sequence;
  private final Map<TaskId, Work> work = new LinkedHashMap<>();
  private final List<Report> unanswered = new ArrayList<>();

  /** An attempt this agent runs. */
  private record Work(Assignment assignment, Scheduler.Cancellable timer) {}

  /** A report: started when {@code result} is null, else the result. */
  private record Report(Assignment assignment, TaskResult result) {}

  ClusterAgent(int index, MachineId id, ClusterRun run, SplittableRandom random) {
    this.index = index;
    this.id = id;
    this.run = run;
    this.random = random;
  }

  void start() {
    scheduleBeat(random.nextLong(1, run.intervalNanos));
  }

  private void scheduleBeat(long nanos) {
    run.scheduler.schedule(this::beat, Duration.ofNanos(nanos));
  }

  private void beat() {
    Heartbeat hb = new Heartbeat(id, sequence++, Math.round(work.size() * 10) / 100.0, Signals.NONE);
    run.coordinators.ask(guess, true, f -> f.monitor().heartbeat(hb));
    List<Report> again = new ArrayList<>(unanswered);
    unanswered.clear();
    for (Report r : again) {
      report(r);
    }
    long jitter = run.intervalNanos / 10;
    scheduleBeat(run.intervalNanos + random.nextLong(-jitter, jitter + 1));
  }

  /** An assignment arrives from a leader's fleet. */
  void receive(Assignment a) {
    TaskId task = a.task().id();
    Work running = work.get(task);
    if (running != null && running.assignment.token() == a.token()) {
      return; // a new leader handing out again what this machine already runs
    }
    for (Report r : unanswered) {
      if (r.result != null && r.assignment.token() == a.token()) {
        return; // done already; the result goes out at the next heartbeat
      }
    }
    if (running != null) {
      stop(running);
    }
    Scheduler.Cancellable timer = run.scheduler.schedule(() -> finish(task, a.token()),
        Duration.ofNanos(run.plan(task).runNanos()));
    work.put(task, new Work(a, timer));
    run.startedRunning(this, a);
    report(new Report(a, null));
  }

  /** A withdrawal arrives: stop that attempt if it still runs. */
  void withdrawn(Assignment a) {
    Work w = work.get(a.task().id());
    if (w != null && w.assignment.token() == a.token()) {
      stop(w);
    }
  }

  private void stop(Work w) {
    w.timer.cancel();
    work.remove(w.assignment.task().id());
    run.stoppedRunning(this, w.assignment);
  }

  private void finish(TaskId task, long token) {
    Work w = work.get(task);
    if (w == null || w.assignment.token() != token) {
      return;
    }
    work.remove(task);
    run.stoppedRunning(this, w.assignment);
    TaskResult result = run.plan(task).fails() ? TaskResult.failure("simulated failure") : TaskResult.success();
    report(new Report(w.assignment, result));
  }

  private void report(Report r) {
    Assignment a = r.assignment;
    Coordinators.Reply<Object> reply = run.coordinators.ask(guess, true, f -> r.result == null
        ? f.dispatcher().started(a.task().id(), a.token())
        : f.dispatcher().complete(a.task().id(), a.token(), r.result));
    switch (reply.kind()) {
      case OK -> {
        if (r.result != null) {
          run.accepted(reply, a, r.result);
        }
      }
      case STALE -> {
        run.staleReports++;
        Work w = work.get(a.task().id());
        if (r.result == null && w != null && w.assignment.token() == a.token()) {
          stop(w); // told its attempt is no longer wanted
        }
      }
      case UNKNOWN_TASK -> run.anomaly("n" + reply.node() + " (term " + reply.term() + ") did not know task "
          + a.task().id() + " that " + id + " ran as attempt " + a.attempt());
      default -> unanswered.add(r);
    }
  }
}
