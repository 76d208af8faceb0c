package dev.fleet.cli;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plays one machine's agent inside the demo: starts what it is given, reports load, finishes on cue.
 *
 * <p>Not thread-safe; the demo drives it from one thread.
 */
final class SimulatedAgent implements dev.fleet.core.InProcessTransport.Agent {
  /** What one running task adds to the load the agent reports. */
  static final double LOAD_PER_TASK = 0.10;

  private final Fleet fleet;
  final MachineId id;
  private final double baseLoad;
  private final Map<TaskId, Long> running = new LinkedHashMap<>();
  private long sequence;
  boolean silent;

  SimulatedAgent(Fleet fleet, MachineId id, double baseLoad) {
    // fleet is read only when the first assignment arrives, after the demo has built it
    this.fleet = fleet;
    this.id = id;
    this.baseLoad = baseLoad;
  }

  /** Accepts a dispatched attempt and tells the fleet it started. */
  @Override
  public void assigned(Assignment a) {
    running.put(a.task().id(), a.token());
    fleet.dispatcher().started(a.task().id(), a.token());
  }

  @Override
  public void withdrawn(Assignment a, String reason) {
    running.remove(a.task().id(), a.token());
  }

  double load() {
    // Rounded as a real probe would report it, to the hundredth.
    return Math.round((baseLoad + LOAD_PER_TASK * running.size()) * 100) / 100.0;
  }

  void heartbeat() {
    if (!silent) {
      fleet.monitor().heartbeat(new Heartbeat(id, ++sequence, load(), dev.fleet.Signals.NONE));
    }
  }

  /** Finishes the oldest {@code n} running tasks successfully. */
  int finish(int n) {
    int done = 0;
    var it = running.entrySet().iterator();
    while (it.hasNext() && done < n) {
      var e = it.next();
      it.remove();
      fleet.dispatcher().complete(e.getKey(), e.getValue(), TaskResult.success());
      done++;
    }
    return done;
  }

  int running() {
    return running.size();
  }
}
