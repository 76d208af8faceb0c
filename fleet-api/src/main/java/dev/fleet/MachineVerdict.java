package dev.fleet;

import java.util.Objects;

/**
 * One machine's line in an {@link Explanation}: whether it fits the task and, if not, why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param machine the machine
 * @param reason the code explanations are counted by
 * @param detail the same for a person, e.g. {@code "load 0.85 >= 0.80"}
 */
public record MachineVerdict(MachineId machine, Reason reason, String detail) {
  /**
   * Checks the components; the record's description says what each means.
   *
   * @param machine not null
   * @param reason not null
   * @param detail not null
   * @throws NullPointerException if a component is null
   */
  public MachineVerdict {
    Objects.requireNonNull(machine, "machine must not be null");
    Objects.requireNonNull(reason, "reason must not be null");
    Objects.requireNonNull(detail, "detail must not be null");
  }

  @Override
  public String toString() {
    return machine + ": " + detail;
  }
}
