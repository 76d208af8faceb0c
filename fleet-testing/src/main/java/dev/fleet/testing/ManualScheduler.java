package dev.fleet.testing;

import dev.fleet.spi.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Scheduler} that holds commands until a test advances its {@link FakeTicker}, then runs
 * each at exactly its due time.
 *
 * <p>Commands run in due-time order, ties in the order they were scheduled. While a command runs
 * the ticker reads its due time, unless the ticker had already been moved past it by other means
 * (then the command is overdue and runs at the current reading; time never goes backwards).
 *
 * <p>This is what makes a {@link FakeTicker} act: a fleet built with only a fake ticker reads fake time but runs
 * its sweeps on a real-time scheduler, so a silent machine stays {@code ONLINE} however far the ticker moves.
 * Build the fleet with both, on the same ticker, and move time with {@link #advance}:
 *
 * <pre>{@code
 * FakeTicker ticker = new FakeTicker();
 * ManualScheduler scheduler = new ManualScheduler(ticker);
 * try (Fleet fleet = Fleets.newBuilder().ticker(ticker).scheduler(scheduler).build()) {
 *   fleet.registry().register(Machine.of("m1", "m1.local", "batch", List.of("build")));
 *   fleet.monitor().heartbeat(Heartbeat.of(MachineId.of("m1"), 1, 0.2));
 *   scheduler.advance(Duration.ofSeconds(40)); // past offlineAfter: the sweep runs, m1 is OFFLINE
 * }
 * }</pre>
 *
 * <p>Threading: {@link #schedule}, {@link Scheduler.Cancellable#cancel}, {@link #pending()} and
 * {@link #nextDueNanos()} may be called from any thread, including from a running command. {@link
 * #advance} and {@link #runDue()} run commands on the calling thread; calls to them from different
 * threads take turns, so commands never run concurrently with each other. Nothing here sleeps.
 */
public final class ManualScheduler implements Scheduler {

  private final FakeTicker ticker;

  private final Object lock = new Object();
  private final PriorityQueue<ScheduledCommand> queue = new PriorityQueue<>(ScheduledCommand.RUN_ORDER);
  private long nextSequence; // guarded by lock

  // Reentrant so a command may itself call advance or runDue without deadlocking.
  private final ReentrantLock driving = new ReentrantLock();

  /**
   * A scheduler whose time is {@code ticker}'s; advancing the scheduler advances the ticker.
   *
   * @param ticker the ticker to read and advance; give the same one to the code under test
   * @throws NullPointerException if {@code ticker} is null
   */
  public ManualScheduler(FakeTicker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * The ticker this scheduler reads and advances.
   *
   * @return the ticker given to the constructor
   */
  public FakeTicker ticker() {
    return ticker;
  }

  /**
   * Holds {@code command} until the ticker reaches now plus {@code delay}; never runs it inline. A
   * delay too large to represent is treated as "never", as a real scheduler would in practice.
   *
   * @param command what to run, on the thread that calls {@link #advance} or {@link #runDue()}
   * @param delay how long after the current reading it falls due, zero or more
   * @return a handle whose {@code cancel()} drops the command if it has not started
   * @throws NullPointerException if {@code command} or {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  @Override
  public Cancellable schedule(Runnable command, Duration delay) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("cannot schedule with a negative delay: " + delay);
    }
    synchronized (lock) {
      // Read the ticker under the lock so due times and sequence numbers agree on the same "now".
      long due = saturatedAdd(ticker.read(), saturatedNanos(delay));
      ScheduledCommand scheduled = new ScheduledCommand(due, nextSequence++, command, this::remove);
      queue.add(scheduled);
      return scheduled;
    }
  }

  /**
   * Moves the ticker forward by {@code step}, stopping at each due command to run it, including
   * commands scheduled meanwhile that fall due within the step. The ticker ends at the reading it
   * had when the call started plus {@code step}. If a command throws, the exception propagates, the
   * ticker stays at that command's due time, and later commands stay pending.
   *
   * @param step how far to move the ticker, zero or more
   * @return how many commands ran
   * @throws NullPointerException if {@code step} is null
   * @throws IllegalArgumentException if {@code step} is negative
   */
  public int advance(Duration step) {
    Objects.requireNonNull(step, "step");
    if (step.isNegative()) {
      throw new IllegalArgumentException("cannot advance by a negative duration: " + step);
    }
    driving.lock();
    try {
      long target = Math.addExact(ticker.read(), step.toNanos());
      int ran = runDueBy(target);
      ticker.moveForwardTo(target);
      return ran;
    } finally {
      driving.unlock();
    }
  }

  /**
   * Runs every command due at the current reading without moving the ticker, including zero-delay
   * commands that those commands schedule.
   *
   * @return how many commands ran
   */
  public int runDue() {
    driving.lock();
    try {
      return runDueBy(ticker.read());
    } finally {
      driving.unlock();
    }
  }

  /**
   * How many commands are scheduled and neither started nor cancelled.
   *
   * @return the number of pending commands
   */
  public int pending() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /**
   * When the next pending command is due.
   *
   * @return the ticker reading, in nanoseconds, at which it is due; empty if none is pending
   */
  public OptionalLong nextDueNanos() {
    synchronized (lock) {
      ScheduledCommand head = queue.peek();
      return head == null ? OptionalLong.empty() : OptionalLong.of(head.dueNanos);
    }
  }

  private int runDueBy(long limitNanos) {
    int ran = 0;
    for (ScheduledCommand next; (next = pollDueBy(limitNanos)) != null; ) {
      if (!next.start()) {
        continue; // cancelled between leaving the queue and here
      }
      ticker.moveForwardTo(next.dueNanos);
      // Run outside the lock: the command may schedule or cancel, here or on other threads.
      next.run();
      ran++;
    }
    return ran;
  }

  private ScheduledCommand pollDueBy(long limitNanos) {
    synchronized (lock) {
      ScheduledCommand head = queue.peek();
      return head != null && head.dueNanos <= limitNanos ? queue.poll() : null;
    }
  }

  private void remove(ScheduledCommand cancelled) {
    synchronized (lock) {
      queue.remove(cancelled);
    }
  }

  private static long saturatedNanos(Duration delay) {
    try {
      return delay.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  private static long saturatedAdd(long nowNanos, long delayNanos) {
    return nowNanos > Long.MAX_VALUE - delayNanos ? Long.MAX_VALUE : nowNanos + delayNanos;
  }

  @Override
  public String toString() {
    return "ManualScheduler[" + ticker + ", pending=" + pending() + "]";
  }
}
