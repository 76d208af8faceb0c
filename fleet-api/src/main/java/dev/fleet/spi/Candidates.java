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

  /**
   * The task being placed.
   *
   * @return the task as submitted
   */
  Task task();

  /**
   * Machines at or over this load take no new work for this task.
   *
   * @return the load ceiling for the task's priority
   */
  double ceiling();

  /**
   * How many candidates {@link #get} can return; an upper bound on the eligible ones.
   *
   * @return 0 or more
   */
  int size();

  /**
   * Random access in no particular order, for sampling strategies.
   *
   * @param index {@code 0 <= index < size()}
   * @return the candidate at that index, eligible or not
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  Candidate get(int index);

  /**
   * Whether the candidate passes the core filter for this task: every required capability, a load below
   * {@link #ceiling()}, a free slot.
   *
   * @param candidate one handed out by this view
   * @return true if the strategy may choose it
   */
  boolean eligible(Candidate candidate);

  /**
   * The eligible candidate with the lowest load, ties to the earliest registered, or null if none;
   * answered from an index in O(log n).
   *
   * @return the candidate, or null
   */
  Candidate leastLoaded();

  /**
   * The eligible, not declined candidate with the lowest score of {@code strategy}, ties to the
   * earliest registered, or null if none. Scans {@link #size()} candidates.
   *
   * @param strategy whose {@link PlacementStrategy#decline} and {@link PlacementStrategy#score} apply
   * @return the candidate, or null
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
