package dev.fleet.testing;

import dev.fleet.spi.Scheduler;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One command held by a {@link ManualScheduler}, and the handle that cancels it.
 *
 * <p>Thread-safe: a command either starts or is cancelled, never both, whichever thread gets there
 * first.
 */
final class ScheduledCommand implements Scheduler.Cancellable {

  /** Due time first; the sequence number breaks ties so equal due times run in scheduling order. */
  static final Comparator<ScheduledCommand> RUN_ORDER =
      Comparator.comparingLong((ScheduledCommand c) -> c.dueNanos).thenComparingLong(c -> c.sequence);

  private static final int PENDING = 0;
  private static final int STARTED = 1;
  private static final int CANCELLED = 2;

  final long dueNanos;
  final long sequence;
  private final Runnable command;
  private final Consumer<ScheduledCommand> onCancel;
  // One CAS decides the race between a driver about to run the command and a cancel from elsewhere.
  private final AtomicInteger state = new AtomicInteger(PENDING);

  ScheduledCommand(long dueNanos, long sequence, Runnable command, Consumer<ScheduledCommand> onCancel) {
    this.dueNanos = dueNanos;
    this.sequence = sequence;
    this.command = command;
    this.onCancel = onCancel;
  }

  /** Claims the command for running; false if it was cancelled first. */
  boolean start() {
    return state.compareAndSet(PENDING, STARTED);
  }

  void run() {
    command.run();
  }

  @Override
  public void cancel() {
    if (state.compareAndSet(PENDING, CANCELLED)) {
      onCancel.accept(this);
    }
  }

  @Override
  public String toString() {
    return "ScheduledCommand[due=" + dueNanos + "ns, seq=" + sequence + ", " + command + "]";
  }
}
