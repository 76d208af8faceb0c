package dev.fleet;

/**
 * The stable name of a machine in the fleet, such as {@code m3-forge}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value 1-128 characters of letters, digits, '.', '_', ':' or '-'
 */
public record MachineId(String value) implements Comparable<MachineId> {
  /**
   * Checks the components; the record's description says what each means.
   *
   * @param value a name: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is not such a name; the message quotes it
   */
  public MachineId {
    Checks.name("machine id", value);
  }

  /**
   * The machine id with this name; the same as the constructor, shorter to read.
   *
   * @param value a name: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit
   * @return the id
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is not such a name; the message quotes it
   */
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
