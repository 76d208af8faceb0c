package dev.fleet.testing.sim;

import dev.fleet.Assignment;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import dev.fleet.StaleAttemptException;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.UnknownTaskException;
import dev.fleet.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * One simulated machine's agent: heartbeats every interval plus or minus jitter, runs what it is assigned for
 * the task's planned time, reports {@code started} and the result, and stops a withdrawn attempt. Faults
 * freeze it (pause, sleep), cut its network (partition), or kill it (crash) until it restarts from
 * heartbeat sequence 0.
 *
 * <p>Not thread-safe: driven by the simulation's one thread, through its scheduler.
 */
final class SimAgent {
  /** Load one running attempt adds to what the agent reports, as the demo's agents do. */
  static final double LOAD_PER_ATTEMPT = 0.10;

  final int index;
  final MachineId id;
  private final SimRun run;
  private final SplittableRandom beats;
  private final Signals signals;

  private boolean crashed;
  /** Counts agent runs: what one run scheduled is void in the next. */
  private int life;
  private long sequence;
  private Scheduler.Cancellable beatTimer;
  private boolean beatOverdue;
  /** While frozen (paused or asleep) nothing runs; messages wait in {@link #inbox}. */
  private boolean frozen;
  private long frozenUntil = Long.MIN_VALUE;
  private boolean asleep;
  private long pausedSince;
  private long partitionedUntil = Long.MIN_VALUE;
  private boolean reportsLost;
  private final Map<TaskId, Work> work = new LinkedHashMap<>();
  private final ArrayDeque<Runnable> inbox = new ArrayDeque<>();
  /** Reports held while partitioned, sent when it heals. */
  private final List<Report> held = new ArrayList<>();
  /** Reports lost in a partition, resent at each heartbeat tick until one gets through. */
  private final List<Report> unanswered = new ArrayList<>();
  /** When the agent last came up, for the machine-hours alive. */
  private long upSinceNanos;
  long aliveNanos;

  /** An attempt this agent runs. */
  private final class Work {
    final Assignment assignment;
    long remainingNanos;
    long sinceNanos;
    Scheduler.Cancellable timer;

    Work(Assignment assignment, long runNanos) {
      this.assignment = assignment;
      this.remainingNanos = runNanos;
    }

    void resume(long now) {
      sinceNanos = now;
      timer = run.scheduler.schedule(() -> finish(this), Duration.ofNanos(remainingNanos));
    }

    void suspend(long now) {
      if (timer != null) {
        timer.cancel();
        timer = null;
        remainingNanos = Math.max(0, remainingNanos - (now - sinceNanos));
      }
    }
  }

  /** A report to the coordinator: started when {@code result} is null, else the result. */
  private record Report(Assignment assignment, TaskResult result, long extraDelayNanos) {}

  SimAgent(int index, MachineId id, SimRun run, SplittableRandom beats, boolean laptop) {
    this.index = index;
    this.id = id;
    this.run = run;
    this.beats = beats;
    this.signals = laptop
        ? new Signals(false, OptionalInt.empty(), false, Optional.of(Duration.ofMinutes(10)), Map.of())
        : Signals.NONE;
  }

  // ------------------------------------------------------------------ life

  /**
   * The first run joins: right after its machine registers it sends heartbeat 0, as a real agent does when it
   * joins, so the fleet has heard this run before any work reaches it; later heartbeats are staggered within
   * one interval.
   */
  void join(long now) {
    upSinceNanos = now;
    sendHeartbeat();
    scheduleBeat(beats.nextLong(1, Math.max(2, run.intervalNanos)));
  }

  boolean crashed() {
    return crashed;
  }

  boolean asleep() {
    return asleep;
  }

  boolean partitioned() {
    return run.now() < partitionedUntil;
  }

  /** What the agent is doing now, for a false verdict's record. */
  String condition() {
    long now = run.now();
    String net = partitioned() ? ", partitioned" : "";
    if (crashed) {
      return "crashed" + net;
    }
    if (frozen) {
      return (asleep ? "asleep" : "paused") + String.format(java.util.Locale.ROOT, " for %.3fs until %.3fs more",
          (now - pausedSince) / 1e9, (frozenUntil - now) / 1e9) + net;
    }
    return "running" + net;
  }

  /** Dies: no heartbeats, its work and unsent reports gone. */
  void crash() {
    if (crashed) {
      return;
    }
    long now = run.now();
    crashed = true;
    aliveNanos += now - upSinceNanos;
    if (beatTimer != null) {
      beatTimer.cancel();
      beatTimer = null;
    }
    for (Work w : work.values()) {
      w.suspend(now);
    }
    work.clear();
    inbox.clear();
    held.clear();
    unanswered.clear();
    frozen = false;
    frozenUntil = Long.MIN_VALUE;
    asleep = false;
    beatOverdue = false;
  }

  /** Starts afresh at heartbeat sequence 0; a running agent reboots and loses its work. */
  void restart() {
    crash();
    crashed = false;
    life++;
    upSinceNanos = run.now();
    sequence = 0;
    sendHeartbeat();
    scheduleBeat(nextInterval());
  }

  /** Stops everything for {@code duration}: a pause, or a sleep (announced to the coordinator if asked). */
  void freeze(Duration duration, boolean sleep, boolean announce) {
    if (crashed) {
      return;
    }
    long now = run.now();
    if (sleep && announce && !partitioned()) {
      run.announcingSleep = true;
      try {
        run.fleet.monitor().announceSleep(id);
      } finally {
        run.announcingSleep = false;
      }
    }
    if (!frozen) {
      frozen = true;
      frozenUntil = Long.MIN_VALUE;
      pausedSince = now;
      for (Work w : work.values()) {
        w.suspend(now);
      }
    }
    asleep |= sleep;
    long until = now + duration.toNanos();
    if (until > frozenUntil) {
      frozenUntil = until;
      run.scheduler.schedule(this::thaw, duration);
    }
  }

  /** Resumes where it stopped: overdue heartbeat first, then waiting messages, then the work's clocks. */
  void thaw() {
    long now = run.now();
    if (!frozen || now < frozenUntil) {
      return;
    }
    frozen = false;
    asleep = false;
    if (beatOverdue) {
      beatOverdue = false;
      tick();
    }
    for (Work w : work.values()) {
      w.resume(now);
    }
    while (!inbox.isEmpty() && !frozen && !crashed) {
      inbox.poll().run();
    }
  }

  /** Ends any freeze at once; used when the run settles. */
  void wake() {
    if (frozen) {
      frozenUntil = run.now();
      thaw();
    }
  }

  /** Cuts the network for {@code duration}; work goes on. */
  void partition(Duration duration, boolean lost) {
    long until = run.now() + duration.toNanos();
    reportsLost = lost;
    if (until > partitionedUntil) {
      partitionedUntil = until;
      run.scheduler.schedule(this::heal, duration);
    }
  }

  /** The network is back: held reports go out, and what waited for this machine comes in. */
  void heal() {
    if (partitioned()) {
      return;
    }
    List<Report> out = new ArrayList<>(held);
    held.clear();
    for (Report r : out) {
      transmit(r);
    }
    run.transport.healed(this);
  }

  /** Ends any partition at once; used when the run settles. */
  void reconnect() {
    if (partitioned()) {
      partitionedUntil = run.now();
      heal();
    }
  }

  /** Time alive up to {@code now}, for the machine-hours. */
  long aliveUntil(long now) {
    return aliveNanos + (crashed ? 0 : now - upSinceNanos);
  }

  // ------------------------------------------------------------------ heartbeats

  private long nextInterval() {
    long j = run.jitterNanos;
    return Math.max(1, run.intervalNanos + (j == 0 ? 0 : beats.nextLong(-j, j + 1)));
  }

  private void scheduleBeat(long delayNanos) {
    beatTimer = run.scheduler.schedule(this::beat, Duration.ofNanos(delayNanos));
  }

  private void beat() {
    beatTimer = null;
    if (crashed) {
      return;
    }
    if (frozen) {
      beatOverdue = true;
      return;
    }
    tick();
  }

  private void tick() {
    sendHeartbeat();
    resendUnanswered();
    scheduleBeat(nextInterval());
  }

  private void sendHeartbeat() {
    long s = sequence;
    if (partitioned()) {
      // Lost on the way. Heartbeat 0 announces a new run, so a restarted agent repeats it until one gets through;
      // otherwise the fleet would never learn that the work of the last run is gone.
      if (s > 0) {
        sequence++;
      }
      return;
    }
    sequence++;
    double load = Math.round(work.size() * LOAD_PER_ATTEMPT * 100) / 100.0;
    if (!run.fleet.monitor().heartbeat(new Heartbeat(id, s, load, signals))) {
      run.ignoredHeartbeats++;
    }
  }

  // ------------------------------------------------------------------ work

  /** An assignment arrives. */
  void receive(Assignment a) {
    if (crashed) {
      run.undelivered++;
      return;
    }
    if (frozen) {
      inbox.add(() -> receive(a));
      return;
    }
    Work old = work.remove(a.task().id());
    if (old != null) {
      old.suspend(run.now());
    }
    Work w = new Work(a, run.plan(a.task().id()).runNanos());
    work.put(a.task().id(), w);
    w.resume(run.now());
    send(new Report(a, null, 0));
  }

  /** A withdrawal arrives: stop that attempt if it still runs. */
  void withdrawn(Assignment a) {
    if (crashed) {
      return;
    }
    if (frozen) {
      inbox.add(() -> withdrawn(a));
      return;
    }
    stop(a);
  }

  private void stop(Assignment a) {
    Work w = work.get(a.task().id());
    if (w != null && w.assignment.token() == a.token()) {
      w.suspend(run.now());
      work.remove(a.task().id());
    }
  }

  private void finish(Work w) {
    if (work.get(w.assignment.task().id()) != w) {
      return;
    }
    work.remove(w.assignment.task().id());
    SimRun.TaskPlan plan = run.plan(w.assignment.task().id());
    TaskResult result = plan.fails() ? TaskResult.failure("simulated failure") : TaskResult.success();
    Report report = new Report(w.assignment, result, plan.slowNanos());
    send(report);
    if (plan.resent()) {
      // No answer within an interval: an at-least-once agent sends the result again, so the fleet gets it twice.
      Report again = new Report(report.assignment, report.result, 0);
      int sentIn = life;
      run.scheduler.schedule(() -> resend(again, sentIn), Duration.ofNanos(run.intervalNanos));
    }
  }

  private void resend(Report r, int sentIn) {
    if (crashed || life != sentIn) {
      return;
    }
    if (frozen) {
      inbox.add(() -> resend(r, sentIn));
      return;
    }
    send(r);
  }

  // ------------------------------------------------------------------ reports

  private void send(Report r) {
    if (partitioned()) {
      (reportsLost ? unanswered : held).add(r);
      return;
    }
    transmit(r);
  }

  private void resendUnanswered() {
    if (unanswered.isEmpty() || partitioned()) {
      return;
    }
    List<Report> again = new ArrayList<>(unanswered);
    unanswered.clear();
    for (Report r : again) {
      transmit(r);
    }
  }

  private void transmit(Report r) {
    run.scheduler.schedule(() -> arrive(r), run.latency.plusNanos(r.extraDelayNanos));
  }

  /** The report reaches the coordinator; a refusal goes back to the agent if it can hear it. */
  private void arrive(Report r) {
    Assignment a = r.assignment;
    try {
      if (r.result == null) {
        run.fleet.dispatcher().started(a.task().id(), a.token());
      } else {
        run.fleet.dispatcher().complete(a.task().id(), a.token(), r.result);
        run.accepted(a, r.result);
      }
    } catch (StaleAttemptException e) {
      run.staleReports++;
      if (r.result == null && !crashed && !frozen && !partitioned()) {
        stop(a); // told its attempt is no longer wanted
      }
    } catch (UnknownTaskException e) {
      throw new IllegalStateException("the fleet forgot task " + a.task().id(), e);
    }
  }
}
