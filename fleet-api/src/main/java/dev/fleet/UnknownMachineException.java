package dev.fleet;

/** Thrown when a request names a machine that is not registered. */
public final class UnknownMachineException extends FleetException {
  private final MachineId machine;

  public UnknownMachineException(MachineId machine) {
    super("no machine '" + machine + "' is registered");
    this.machine = machine;
  }

  public MachineId machine() {
    return machine;
  }
}
