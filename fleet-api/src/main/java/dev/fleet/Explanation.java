package dev.fleet;

import java.util.List;
import java.util.Objects;

/**
 * Why a decision came out as it did, for people: a one-line summary with counts, each machine's
 * verdict, and what would change the outcome.
 *
 * <p>For example a queued task reads {@code "0/3 machines fit: 1 offline, 1 lacks 'social', 1 at load
 * 0.85 >= 0.80"} and lists {@code "runs when m3-forge drops below load 0.80"} as an unblocker.
 * Immutable and thread-safe.
 *
 * @param summary one line with the counts
 * @param machines per-machine verdicts; long fleets list the first few of each reason only
 * @param omitted how many machine verdicts were left out of {@code machines}
 * @param unblockers what would let the task run, one sentence each
 */
public record Explanation(String summary, List<MachineVerdict> machines, int omitted, List<String> unblockers) {
  /**
   * Checks the components; the record's description says what each means.
   *
   * @param summary not null
   * @param machines not null; copied
   * @param omitted 0 or more
   * @param unblockers not null; copied
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public Explanation {
    Objects.requireNonNull(summary, "summary must not be null");
    machines = List.copyOf(machines);
    if (omitted < 0) {
      throw new IllegalArgumentException("omitted must be >= 0, got " + omitted);
    }
    unblockers = List.copyOf(unblockers);
  }

  /**
   * An explanation that is only a sentence: no verdicts, no unblockers.
   *
   * @param summary the sentence; not null
   * @return the explanation
   */
  public static Explanation of(String summary) {
    return new Explanation(summary, List.of(), 0, List.of());
  }

  /**
   * The explanation for people: the summary, then each verdict and each unblocker, one per line.
   *
   * @return the text, without a trailing newline
   */
  public String render() {
    StringBuilder sb = new StringBuilder(summary);
    for (MachineVerdict v : machines) {
      sb.append("\n  - ").append(v);
    }
    if (omitted > 0) {
      sb.append("\n  - (").append(omitted).append(" more machines not listed)");
    }
    for (String u : unblockers) {
      sb.append("\n  -> ").append(u);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return summary;
  }
}
