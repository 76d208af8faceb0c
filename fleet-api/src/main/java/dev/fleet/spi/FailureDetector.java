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

  /** The name it is chosen by, e.g. {@code phi-accrual}. */
  String name();

  /**
   * State for one machine that joined (or was last reset) at {@code nowNanos}.
   *
   * @param expectedInterval how often the machine is asked to heartbeat
   */
  Monitor newMonitor(long nowNanos, Duration expectedInterval);

  /** One sentence for the rules page. */
  String describe();

  /** One machine's history. Not thread-safe: guarded by the fleet. */
  interface Monitor {

    /** A heartbeat arrived at {@code arrivalNanos} (ticker time, never decreasing). */
    void heartbeat(long arrivalNanos);

    /** {@link Health#ONLINE}, {@link Health#SUSPECT} or {@link Health#OFFLINE} as of {@code nowNanos}. */
    Health verdict(long nowNanos);

    /** A number for people: how suspicious the silence is now (phi, or seconds of silence). */
    double suspicion(long nowNanos);

    /**
     * The earliest ticker time after {@code nowNanos} at which {@link #verdict} may change if no heartbeat
     * arrives; the fleet sweeps no later than that.
     */
    long nextChange(long nowNanos);

    /** When the last heartbeat arrived (or the monitor was created). */
    long lastHeartbeatNanos();
  }
}
