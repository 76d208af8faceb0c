package dev.fleet.testing;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * An {@link Executor} that holds runnables until a test calls {@link #runAll()}, so the test decides
 * when events are delivered.
 *
 * <p>For synchronous delivery no class is needed: pass {@code Runnable::run}.
 *
 * <p>Thread-safe: {@link #execute} may be called from any thread; {@link #runAll()} runs the
 * runnables on the thread that calls it, in the order they were submitted.
 */
public final class ManualExecutor implements Executor {

  private final Queue<Runnable> queued = new ConcurrentLinkedQueue<>();

  /** An executor with nothing queued. */
  public ManualExecutor() {}

  /**
   * Queues {@code command} to run at the next {@link #runAll()}; never runs it here.
   *
   * @param command what to run
   * @throws NullPointerException if {@code command} is null
   */
  @Override
  public void execute(Runnable command) {
    queued.add(Objects.requireNonNull(command, "command"));
  }

  /**
   * Runs queued runnables in submission order until none is left, including those submitted while
   * running. If one throws, the exception propagates and the rest stay queued.
   *
   * @return how many ran
   */
  public int runAll() {
    int ran = 0;
    for (Runnable next; (next = queued.poll()) != null; ) {
      next.run();
      ran++;
    }
    return ran;
  }

  /**
   * How many runnables are queued and not yet run.
   *
   * @return the number queued
   */
  public int pending() {
    return queued.size();
  }

  @Override
  public String toString() {
    return "ManualExecutor[pending=" + pending() + "]";
  }
}
