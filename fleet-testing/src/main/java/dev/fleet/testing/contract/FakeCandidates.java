package dev.fleet.testing.contract;

import dev.fleet.Health;
import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.Candidates;
import java.util.List;

/**
 * A {@link Candidates} view over a fixed list, applying the same core filter a fleet does (online, every
 * required capability, load below the ceiling) and counting how it is used.
 *
 * <p>Unlike a fleet's view, it ignores machine slots, and {@link #leastLoaded()} scans rather than using an index.
 *
 * <p>Not thread-safe; one strategy call at a time.
 */
public final class FakeCandidates implements Candidates {
  private final Task task;
  private final double ceiling;
  private final List<FakeCandidate> candidates;
  private int reads;

  /**
   * A view for one task.
   *
   * @param task the task being placed
   * @param ceiling the load at or over which a candidate is not eligible, e.g. {@code 0.8}
   * @param candidates every candidate the view hands out, eligible or not, in the order {@link #get} returns them;
   *     copied
   * @throws NullPointerException if {@code candidates} is or holds null
   */
  public FakeCandidates(Task task, double ceiling, List<FakeCandidate> candidates) {
    this.task = task;
    this.ceiling = ceiling;
    this.candidates = List.copyOf(candidates);
  }

  /**
   * The task being placed.
   *
   * @return the task the view was made with
   */
  @Override
  public Task task() {
    return task;
  }

  /**
   * The load at or over which a candidate is not eligible.
   *
   * @return the ceiling the view was made with
   */
  @Override
  public double ceiling() {
    return ceiling;
  }

  /**
   * How many candidates {@link #get} can return, eligible or not.
   *
   * @return the number of candidates the view was made with
   */
  @Override
  public int size() {
    return candidates.size();
  }

  /**
   * One candidate, in the order given; counted in {@link #reads()}.
   *
   * @param index {@code 0 <= index < size()}
   * @return the candidate at {@code index}, eligible or not
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  @Override
  public Candidate get(int index) {
    reads++;
    return candidates.get(index);
  }

  /**
   * The core filter: the candidate is one of this view's, {@code ONLINE}, below the ceiling and has every
   * capability the task requires.
   *
   * @param c any candidate, or null
   * @return whether a fleet would let a strategy choose it
   */
  @Override
  public boolean eligible(Candidate c) {
    return c instanceof FakeCandidate f && candidates.contains(f) && f.health() == Health.ONLINE
        && f.load() < ceiling && f.machine().capabilities().containsAll(task.requires());
  }

  /**
   * The eligible candidate with the lowest load, ties to the lowest registration order.
   *
   * @return that candidate, or null if none is eligible
   */
  @Override
  public Candidate leastLoaded() {
    FakeCandidate best = null;
    for (FakeCandidate c : candidates) {
      if (eligible(c) && (best == null || c.load() < best.load()
          || (c.load() == best.load() && c.registrationOrder() < best.registrationOrder()))) {
        best = c;
      }
    }
    return best;
  }

  /**
   * The candidates as given, eligible or not; reading them here does not count as a {@link #get}.
   *
   * @return the unmodifiable list the view was made with
   */
  public List<FakeCandidate> all() {
    return candidates;
  }

  /**
   * How many times {@link #get} was called, to check that a sampling strategy reads only a few candidates.
   *
   * @return the number of {@code get} calls since the view was made
   */
  public int reads() {
    return reads;
  }

  /**
   * Whether any candidate is eligible, so the strategy could place the task.
   *
   * @return {@code true} if {@link #eligible} holds for at least one candidate
   */
  public boolean anyEligible() {
    return candidates.stream().anyMatch(this::eligible);
  }
}
