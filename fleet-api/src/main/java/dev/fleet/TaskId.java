package dev.fleet;

/**
 * The caller-chosen name of a task, unique within a fleet.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value 1-128 characters of letters, digits, '.', '_', ':' or '-'
 */
public record TaskId(String value) implements Comparable<TaskId> {
  /**
   * Checks the components; the record's description says what each means.
   *
   * @param value a name: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is not such a name; the message quotes it
   */
  public TaskId {
    Checks.name("task id", value);
  }

  /**
   * The task id with this name; the same as the constructor, shorter to read.
   *
   * @param value a name: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit
   * @return the id
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is not such a name; the message quotes it
   */
  public static TaskId of(String value) {
    return new TaskId(value);
  }

  @Override
  public int compareTo(TaskId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
