package dev.fleet.spi;

import dev.fleet.Health;
import java.time.Duration;

/**
 * Decides from heartbeat arrival times whether a machine is alive, suspect or down.
 *
 * <p>The fleet keeps one {@link Monitor} per machine, feeds it each accepted heartbeat's arrival time and
 * asks it for a verdict when it sweeps. Implementations must be thread-safe; monitors are guarded by the
 * fleet's lock and called from one thread at a time. Neither may block or do I/O. A detector that throws
 * is logged and the machine keeps its health until the next sweep.
 */
public interface FailureDetector {

  /**
   * The name it is chosen by, e.g. {@code phi-accrual}.
   *
   * @return the name
   */
  String name();

  /**
   * State for one machine that joined (or was last reset) at {@code nowNanos}.
   *
   * @param nowNanos the ticker time it joined; counts as its first heartbeat
   * @param expectedInterval how often the machine is asked to heartbeat
   * @return a new monitor for that machine
   */
  Monitor newMonitor(long nowNanos, Duration expectedInterval);

  /**
   * One sentence for the rules page.
   *
   * @return the rule in plain words, with its settings
   */
  String describe();

  /** One machine's history. Not thread-safe: guarded by the fleet. */
  interface Monitor {

    /**
     * A heartbeat was accepted.
     *
     * @param arrivalNanos when it arrived, ticker time; never less than the previous one
     */
    void heartbeat(long arrivalNanos);

    /**
     * The machine's health as the silence so far says.
     *
     * @param nowNanos the time to judge as of, ticker time
     * @return {@link Health#ONLINE}, {@link Health#SUSPECT} or {@link Health#OFFLINE}
     */
    Health verdict(long nowNanos);

    /**
     * A number for people: how suspicious the silence is now.
     *
     * @param nowNanos the time to judge as of, ticker time
     * @return 0 or more, e.g. phi, or seconds of silence
     */
    double suspicion(long nowNanos);

    /**
     * The earliest ticker time after {@code nowNanos} at which {@link #verdict} may change if no heartbeat
     * arrives; the fleet sweeps no later than that.
     *
     * @param nowNanos the time of the sweep asking, ticker time
     * @return a ticker time after {@code nowNanos}; {@link Long#MAX_VALUE} if the verdict cannot change
     */
    long nextChange(long nowNanos);

    /**
     * When the last heartbeat arrived (or the monitor was created).
     *
     * @return ticker time
     */
    long lastHeartbeatNanos();
  }
}
