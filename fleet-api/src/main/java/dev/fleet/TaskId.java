package dev.fleet;

/**
 * The caller-chosen name of a task, unique within a fleet.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value 1-128 characters of letters, digits, '.', '_', ':' or '-'
 */
public record TaskId(String value) implements Comparable<TaskId> {
  public TaskId {
    Checks.name("task id", value);
  }

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
