package dev.fleet;

/** Thrown when a request names a machine that is not registered. */
public final class UnknownMachineException extends FleetException {
  /** The id that named no registered machine. */
  private final MachineId machine;

  /**
   * An exception whose message names the unknown machine.
   *
   * @param machine the id that named no registered machine
   */
  public UnknownMachineException(MachineId machine) {
    super("no machine '" + machine + "' is registered");
    this.machine = machine;
  }

  /**
   * The machine the request named.
   *
   * @return its id, as the request gave it
   */
  public MachineId machine() {
    return machine;
  }
}
