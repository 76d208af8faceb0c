package dev.fleet.spi;

import dev.fleet.Task;

/**
 * The indexed, read-only view of the machines that may take one task, handed to a
 * {@link PlacementStrategy}.
 *
 * <p>It holds the online machines that have the task's rarest required capability (every machine, if
 * it requires none). {@link #eligible} applies the rest of the core filter: every required capability,
 * a load below {@link #ceiling()}, and a free slot on a machine that declares
 * {@linkplain dev.fleet.Machine#slots() slots}. A strategy can only choose among eligible candidates.
 *
 * <p>Valid only during the {@link PlacementStrategy#select} call; not thread-safe.
 */
public interface Candidates {

  Task task();

  /** Machines at or over this load take no new work for this task. */
  double ceiling();

  /** How many candidates {@link #get} can return; an upper bound on the eligible ones. */
  int size();

  /** Random access in no particular order, for sampling strategies; {@code 0 <= index < size()}. */
  Candidate get(int index);

  /** Whether the candidate passes the core filter for this task. */
  boolean eligible(Candidate candidate);

  /**
   * The eligible candidate with the lowest load, ties to the earliest registered, or null if none;
   * answered from an index in O(log n).
   */
  Candidate leastLoaded();

  /**
   * The eligible, not declined candidate with the lowest score of {@code strategy}, ties to the
   * earliest registered, or null if none. Scans {@link #size()} candidates.
   */
  default Candidate lowestScore(PlacementStrategy strategy) {
    Task task = task();
    Candidate best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int i = 0, n = size(); i < n; i++) {
      Candidate c = get(i);
      if (!eligible(c) || strategy.decline(task, c) != null) {
        continue;
      }
      double s = strategy.score(task, c);
      if (best == null || s < bestScore || (s == bestScore && c.registrationOrder() < best.registrationOrder())) {
        best = c;
        bestScore = s;
      }
    }
    return best;
  }
}
