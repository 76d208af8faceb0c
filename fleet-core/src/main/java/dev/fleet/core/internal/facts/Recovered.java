package dev.fleet.core.internal.facts;

import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * The registry and task ledger that a sequence of {@link Fact}s describes, built by applying them in order
 * during a replay; the engine is then rebuilt from it in one pass. Facts of durable parts are handed on as
 * they come, so each part sees its own records in order.
 *
 * <p>Not thread-safe: one replay, on one thread.
 */
public final class Recovered {
  /** A machine as the journal knows it. */
  public static final class MachineFacts {
    public Machine machine;
    public boolean drainRequested;
    public long drainDeadlineWall = Long.MAX_VALUE;
    public boolean drainForShutdown;
    /** When it announced sleep, -1 if it is not known to sleep. */
    public long asleepSinceWall = -1;
    /** When it said it left, -1 unless it is away since. */
    public long departedAtWall = -1;

    MachineFacts(Machine machine) {
      this.machine = machine;
    }
  }

  /** A task as the journal knows it. */
  public static final class TaskFacts {
    public final Task task;
    public final long submittedWall;
    public TaskState state = TaskState.QUEUED;
    public TaskState pausedFrom;
    public long pausedAtWall;
    public int lost;
    /** The machine of its latest attempt, kept after the attempt ends; null before the first. */
    public MachineId machine;
    public MachineId excluded;
    public long token;
    /** While waiting out a reschedule delay: when it may be placed again; 0 when it is not delayed. */
    public long notBeforeWall;
    public double chosenLoad;
    public double ceiling;
    public String note;
    public TaskResult result;
    public String why;
    public final List<Fact.AttemptImage> history;

    TaskFacts(Task task, long submittedWall, List<Fact.AttemptImage> history) {
      this.task = task;
      this.submittedWall = submittedWall;
      this.history = history;
    }

    /** The current (or last) attempt's number, 0 before the first. */
    public int attempt() {
      return history.isEmpty() ? 0 : history.get(history.size() - 1).number();
    }
  }

  public final LinkedHashMap<MachineId, MachineFacts> machines = new LinkedHashMap<>();
  /** Unfinished tasks in submission order. */
  public final LinkedHashMap<TaskId, TaskFacts> live = new LinkedHashMap<>();
  /** Finished tasks, longest finished first, at most the retention. */
  public final LinkedHashMap<TaskId, TaskFacts> finished = new LinkedHashMap<>();
  private final int retention;
  private final Consumer<Fact.Part> parts;
  private long applied;

  public Recovered(int finishedRetention, Consumer<Fact.Part> parts) {
    this.retention = finishedRetention;
    this.parts = parts;
  }

  /** How many facts were applied. */
  public long applied() {
    return applied;
  }

  /** Applies one journal record. */
  public void apply(byte[] record) {
    apply(FactCodec.decode(record));
  }

  /**
   * Applies one fact.
   *
   * @throws IllegalStateException if the fact contradicts the ones before it (names a task or machine the
   *     journal never introduced), which a journal this fleet wrote never does
   */
  public void apply(Fact fact) {
    applied++;
    if (fact instanceof Fact.Assigned f) {
      TaskFacts t = task(f.id());
      if (f.previousEnding() != null) {
        endAttempt(t, f.previousEnding());
      }
      t.state = TaskState.DISPATCHED;
      t.pausedFrom = null;
      t.machine = f.machine();
      t.token = f.token();
      t.excluded = null;
      t.notBeforeWall = 0;
      t.chosenLoad = f.chosenLoad();
      t.ceiling = f.ceiling();
      t.note = f.note();
      t.why = null;
      t.history.add(new Fact.AttemptImage(f.attempt(), f.machine(), f.atWall(), ""));
    } else if (fact instanceof Fact.Submitted f) {
      finished.remove(f.task().id());
      live.put(f.task().id(), new TaskFacts(f.task(), f.submittedWall(), new ArrayList<>(2)));
    } else if (fact instanceof Fact.Started f) {
      TaskFacts t = task(f.id());
      if (t.state == TaskState.DISPATCHED) {
        t.state = TaskState.RUNNING;
      } else if (t.state == TaskState.PAUSED) {
        t.pausedFrom = TaskState.RUNNING;
      }
    } else if (fact instanceof Fact.Finished f) {
      TaskFacts t = task(f.id());
      if (f.ending() != null) {
        endAttempt(t, f.ending());
      }
      t.state = f.state();
      t.pausedFrom = null;
      t.token = 0;
      t.result = f.result();
      t.why = f.why();
      live.remove(f.id());
      retire(t);
    } else if (fact instanceof Fact.Requeued f) {
      TaskFacts t = task(f.id());
      endAttempt(t, f.reason());
      t.state = TaskState.QUEUED;
      t.pausedFrom = null;
      t.token = 0;
      t.lost = f.lost();
      t.excluded = f.excluded();
      t.notBeforeWall = f.notBeforeWall();
      t.why = f.reason();
    } else if (fact instanceof Fact.Paused f) {
      TaskFacts t = task(f.id());
      t.pausedFrom = t.state;
      t.state = TaskState.PAUSED;
      t.pausedAtWall = f.atWall();
    } else if (fact instanceof Fact.Resumed f) {
      TaskFacts t = task(f.id());
      t.state = t.pausedFrom;
      t.pausedFrom = null;
    } else if (fact instanceof Fact.Joined f) {
      machines.put(f.machine().id(), new MachineFacts(f.machine()));
    } else if (fact instanceof Fact.Updated f) {
      machine(f.machine().id()).machine = f.machine();
    } else if (fact instanceof Fact.Left f) {
      machine(f.id());
      machines.remove(f.id());
    } else if (fact instanceof Fact.Drain f) {
      MachineFacts m = machine(f.id());
      m.drainRequested = f.requested();
      m.drainDeadlineWall = f.deadlineWall();
      m.drainForShutdown = f.forShutdown();
    } else if (fact instanceof Fact.Asleep f) {
      machine(f.id()).asleepSinceWall = f.sinceWall();
    } else if (fact instanceof Fact.Departed f) {
      machine(f.id()).departedAtWall = f.atWall();
    } else if (fact instanceof Fact.Returned f) {
      machine(f.id()).departedAtWall = -1;
    } else if (fact instanceof Fact.TaskImage f) {
      TaskFacts t = new TaskFacts(f.task(), f.submittedWall(), new ArrayList<>(f.history()));
      t.state = f.state();
      t.pausedFrom = f.pausedFrom();
      t.pausedAtWall = f.pausedAtWall();
      t.lost = f.lost();
      t.machine = f.machine();
      t.excluded = f.excluded();
      t.token = f.token();
      t.notBeforeWall = f.notBeforeWall();
      t.chosenLoad = f.chosenLoad();
      t.ceiling = f.ceiling();
      t.note = f.note();
      t.result = f.result();
      t.why = f.why();
      if (isFinal(t.state)) {
        live.remove(f.task().id());
        finished.remove(f.task().id());
        retire(t);
      } else {
        finished.remove(f.task().id());
        live.put(f.task().id(), t);
      }
    } else if (fact instanceof Fact.Part f) {
      parts.accept(f);
    }
  }

  /** Whether a task in this state has ended. */
  public static boolean isFinal(TaskState s) {
    return s == TaskState.SUCCEEDED || s == TaskState.FAILED || s == TaskState.CANCELLED
        || s == TaskState.REJECTED || s == TaskState.DEAD_LETTERED;
  }

  private void retire(TaskFacts t) {
    if (retention <= 0) {
      return;
    }
    finished.put(t.task.id(), t);
    if (finished.size() > retention) {
      Iterator<TaskId> it = finished.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  private static void endAttempt(TaskFacts t, String ending) {
    int last = t.history.size() - 1;
    if (last >= 0 && t.history.get(last).ending().isEmpty()) {
      Fact.AttemptImage a = t.history.get(last);
      t.history.set(last, new Fact.AttemptImage(a.number(), a.machine(), a.atWall(), ending));
    }
  }

  private TaskFacts task(TaskId id) {
    TaskFacts t = live.get(id);
    if (t == null) {
      throw new IllegalStateException("journal names task '" + id + "', which it never submitted or which ended");
    }
    return t;
  }

  private MachineFacts machine(MachineId id) {
    MachineFacts m = machines.get(id);
    if (m == null) {
      throw new IllegalStateException("journal names machine '" + id + "', which never joined or which left");
    }
    return m;
  }
}
