package dev.fleet;

/**
 * The stable name of a machine in the fleet, such as {@code m3-forge}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value 1-128 characters of letters, digits, '.', '_', ':' or '-'
 */
public record MachineId(String value) implements Comparable<MachineId> {
  public MachineId {
    Checks.name("machine id", value);
  }

  public static MachineId of(String value) {
    return new MachineId(value);
  }

  @Override
  public int compareTo(MachineId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
