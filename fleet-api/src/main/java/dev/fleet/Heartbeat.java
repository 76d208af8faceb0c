package dev.fleet;

import java.util.Objects;

/**
 * A machine's periodic sign of life: it is alive, this busy, in this condition.
 *
 * <p>Immutable and thread-safe.
 *
 * @param machine who sends it
 * @param sequence increases with every heartbeat of one agent run, so that a late or repeated delivery is not
 *     taken for news. A heartbeat is ignored (changes nothing, and {@link HeartbeatMonitor#heartbeat} returns
 *     false) when its sequence is 1 or more and not greater than the last sequence the fleet accepted from the
 *     machine. 0 is never ignored: it means a new run of the agent. A restarted agent starts again at 0, and
 *     sends 0 until one has reached the fleet; a 0 from a machine heard from before (or restored from a journal)
 *     tells the fleet that the attempts of its last run are lost, and it moves them
 * @param load how busy the machine is: 0 idle, 1 fully busy, above 1 oversubscribed
 * @param signals power, heat and owner activity
 */
public record Heartbeat(MachineId machine, long sequence, double load, Signals signals) {
  /**
   * Checks the components; the record's description says what each means.
   *
   * @param machine not null
   * @param sequence 0 or more
   * @param load finite and not negative
   * @param signals not null; {@link Signals#NONE} if nothing is known
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public Heartbeat {
    Objects.requireNonNull(machine, "machine must not be null");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence of heartbeat from " + machine + " must be >= 0, got " + sequence);
    }
    Checks.load("load of heartbeat from", machine, load);
    Objects.requireNonNull(signals, "signals must not be null (use Signals.NONE)");
  }

  /**
   * A heartbeat with no signals beyond load ({@link Signals#NONE}).
   *
   * @param machine who sends it; not null
   * @param sequence 0 or more; see the record's description for when it is ignored
   * @param load 0 idle, 1 fully busy, above 1 oversubscribed; finite and not negative
   * @return the heartbeat
   * @throws NullPointerException if {@code machine} is null
   * @throws IllegalArgumentException if {@code sequence} or {@code load} is out of range; the message names it
   */
  public static Heartbeat of(MachineId machine, long sequence, double load) {
    return new Heartbeat(machine, sequence, load, Signals.NONE);
  }
}
