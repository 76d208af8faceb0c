package dev.fleet;

import java.util.Objects;

/**
 * A machine's periodic sign of life: it is alive, this busy, in this condition.
 *
 * <p>Immutable and thread-safe.
 *
 * @param machine who sends it
 * @param sequence increases with every heartbeat of one agent run; an older or repeated one is ignored. A
 *     restarted agent starts again at 0, and sends 0 until one has reached the fleet: a 0 from a machine heard
 *     from before tells the fleet that the attempts of its last run are lost, and it moves them
 * @param load how busy the machine is: 0 idle, 1 fully busy, above 1 oversubscribed
 * @param signals power, heat and owner activity
 */
public record Heartbeat(MachineId machine, long sequence, double load, Signals signals) {
  public Heartbeat {
    Objects.requireNonNull(machine, "machine must not be null");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence of heartbeat from " + machine + " must be >= 0, got " + sequence);
    }
    Checks.load("load of heartbeat from", machine, load);
    Objects.requireNonNull(signals, "signals must not be null (use Signals.NONE)");
  }

  public static Heartbeat of(MachineId machine, long sequence, double load) {
    return new Heartbeat(machine, sequence, load, Signals.NONE);
  }
}
