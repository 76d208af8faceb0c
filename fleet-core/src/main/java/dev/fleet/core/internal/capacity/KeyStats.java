package dev.fleet.core.internal.capacity;

/**
 * What one time bucket (or a window's sum of them) holds for one capability or role: machine time and how much
 * of it was at the ceiling, queue time, waits and run times of the tasks that finished, and waits for it while
 * no machine had it.
 *
 * <p>Not thread-safe; its {@link History} guards it.
 */
final class KeyStats {
  long machineNanos;
  long ceilingNanos;
  /** Task-nanoseconds spent queued needing it: divided by the time covered, the mean queue length. */
  long queueNanos;
  long missingTasks;
  long missingNanos;
  Durations waits;
  Durations runs;

  void finished(long waitNanos, long runNanos) {
    if (waits == null) {
      waits = new Durations();
      runs = new Durations();
    }
    waits.add(waitNanos);
    if (runNanos >= 0) {
      runs.add(runNanos);
    }
  }

  void addAll(KeyStats o) {
    machineNanos += o.machineNanos;
    ceilingNanos += o.ceilingNanos;
    queueNanos += o.queueNanos;
    missingTasks += o.missingTasks;
    missingNanos += o.missingNanos;
    if (o.waits != null) {
      if (waits == null) {
        waits = new Durations();
        runs = new Durations();
      }
      waits.addAll(o.waits);
      runs.addAll(o.runs);
    }
  }

  long finishedCount() {
    return waits == null ? 0 : waits.count();
  }
}
