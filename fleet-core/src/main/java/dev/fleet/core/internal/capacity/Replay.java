package dev.fleet.core.internal.capacity;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.spi.Scheduler;
import dev.fleet.spi.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Replays recorded tasks on a proposed set of machines: a real fleet with the live one's ceilings, on virtual time,
 * every task arriving when it arrived and running as long as it ran, each machine taking what the fleet gives it.
 * Machines never fail or report load (each task counts its reservation until it ends), so only the machines
 * differ between two replays, and the same input gives the same waits.
 *
 * <p>Not thread-safe: one replay runs on the calling thread.
 */
final class Replay {
  /** A task that never ran, and whose run time is therefore unknown, is taken to run this long. */
  static final long UNKNOWN_RUN_NANOS = Duration.ofMinutes(1).toNanos();
  private static final long START = 1_000_000_000_000L;

  private record Timed(long at, long seq, Runnable what) {}

  private final PriorityQueue<Timed> timeline = new PriorityQueue<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long now = START;
  private long seq;
  private int placed;

  /** Each task's wait for its first attempt, in nanoseconds, by the arrival's index. */
  private final long[] waits;

  private Replay(int tasks) {
    waits = new long[tasks];
    java.util.Arrays.fill(waits, -1);
  }

  /**
   * The wait of each arrival (by index) for its first attempt on {@code machines}; a task never placed within
   * {@code limit} of the last arrival waits until then.
   */
  static long[] waits(ReplayFleets fleets, List<Machine> machines, List<Arrival> arrivals, Duration limit) {
    return new Replay(arrivals.size()).run(fleets, machines, arrivals, limit);
  }

  private void at(long when, Runnable what) {
    timeline.add(new Timed(Math.max(when, now), seq++, what));
  }

  private long[] run(ReplayFleets fleets, List<Machine> machines, List<Arrival> arrivals, Duration limit) {
    Map<TaskId, Integer> index = new HashMap<>();
    Map<TaskId, Long> arrivedAt = new HashMap<>();
    Fleet[] holder = new Fleet[1];
    Transport transport = new Transport() {
      @Override
      public void deliver(Assignment a) {
        int i = index.get(a.task().id());
        if (waits[i] < 0) {
          waits[i] = now - arrivedAt.get(a.task().id());
          placed++;
        }
        long run = arrivals.get(i).runNanos() >= 0 ? arrivals.get(i).runNanos() : UNKNOWN_RUN_NANOS;
        at(now + run, () -> holder[0].dispatcher().complete(a.task().id(), a.token(), TaskResult.success()));
      }

      @Override
      public void withdraw(Assignment a, String reason) {
        // its completion will be refused as stale; nothing to stop
      }
    };
    Scheduler scheduler = (command, delay) -> {
      Timed t = new Timed(now + Math.max(0, delay.toNanos()), seq++, command);
      timeline.add(t);
      return () -> timeline.remove(t);
    };
    try (Fleet fleet = fleets.build(() -> now, scheduler, transport,
        () -> Instant.ofEpochSecond(1_700_000_000L).plusNanos(now))) {
      holder[0] = fleet;
      for (Machine m : machines) {
        fleet.registry().register(m, Health.ONLINE, 0);
      }
      long first = arrivals.isEmpty() ? 0 : arrivals.get(0).atNanos();
      long last = START;
      for (int i = 0; i < arrivals.size(); i++) {
        Arrival a = arrivals.get(i);
        TaskId id = TaskId.of(String.format(Locale.ROOT, "r%06d", i));
        index.put(id, i);
        long when = START + (a.atNanos() - first);
        last = Math.max(last, when);
        Task.Builder b = Task.newBuilder(id.value()).requires(a.requires()).priority(a.priority()).weight(a.weight());
        a.role().ifPresent(b::role);
        Task task = b.build();
        at(when, () -> {
          arrivedAt.put(id, now);
          fleet.dispatcher().submit(task);
        });
      }
      long end = last + limit.toNanos();
      Timed t;
      // Once every task has had its first attempt no wait can change: the rest need not be played.
      while (placed < waits.length && (t = timeline.peek()) != null && t.at <= end) {
        timeline.poll();
        now = t.at;
        t.what.run();
      }
      now = placed < waits.length ? Math.max(now, end) : now;
      for (int i = 0; i < waits.length; i++) {
        if (waits[i] < 0) {
          waits[i] = now - (START + arrivals.get(i).atNanos() - first);
        }
      }
    }
    return waits;
  }
}
