package dev.fleet.micrometer;

import dev.fleet.FleetEvent;
import dev.fleet.FleetListener;
import dev.fleet.TaskId;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the wait and run timers from the fleet's task events, and asks for fresh role gauges when a machine's
 * health changes. A task's wait runs from its submission, or from losing its machine, to its next dispatch; its
 * run from its start (or its dispatch, if no start was reported) to its result. Tasks it did not see begin (those
 * already waiting or running when it was bound) are not timed, except a first attempt dispatched straight from
 * its submission, which waited for nothing.
 *
 * <p>Called only on the fleet's event thread, one event at a time, so its maps need no lock. They hold one entry
 * per waiting or running task, each removed when the task moves on: bounded by the fleet's own live tasks.
 */
final class TaskTimes implements FleetListener {
  private final Timer waits;
  private final Timer runs;
  private final Runnable machinesChanged;
  private final Map<TaskId, Long> waitingSince = new HashMap<>();
  private final Map<TaskId, Long> runningSince = new HashMap<>();

  TaskTimes(Timer waits, Timer runs, Runnable machinesChanged) {
    this.waits = waits;
    this.runs = runs;
    this.machinesChanged = machinesChanged;
  }

  @Override
  public void onEvent(FleetEvent event) {
    if (event instanceof FleetEvent.HealthChanged) {
      machinesChanged.run();
      return;
    }
    FleetEvent.TaskChanged t = (FleetEvent.TaskChanged) event;
    TaskId id = t.task();
    long at = t.atNanos();
    switch (t.to()) {
      case QUEUED -> {
        waitingSince.putIfAbsent(id, at);
        runningSince.remove(id);
      }
      case DISPATCHED -> {
        Long since = waitingSince.remove(id);
        if (since != null) {
          waits.record(Math.max(0, at - since), TimeUnit.NANOSECONDS);
        } else if (t.from() == dev.fleet.TaskState.QUEUED && t.attempt() == 1) {
          waits.record(0, TimeUnit.NANOSECONDS); // placed in the same call that submitted it
        }
        runningSince.put(id, at);
      }
      case RUNNING -> runningSince.put(id, at);
      case PAUSED -> { }
      case SUCCEEDED, FAILED -> {
        waitingSince.remove(id);
        Long since = runningSince.remove(id);
        if (since != null) {
          runs.record(Math.max(0, at - since), TimeUnit.NANOSECONDS);
        }
      }
      default -> { // cancelled, rejected, dead-lettered: ended without running to a result
        waitingSince.remove(id);
        runningSince.remove(id);
      }
    }
  }
}
