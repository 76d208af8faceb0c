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
 * <p>Not thread-safe; one strategy call at a time.
 */
public final class FakeCandidates implements Candidates {
  private final Task task;
  private final double ceiling;
  private final List<FakeCandidate> candidates;
  private int reads;

  public FakeCandidates(Task task, double ceiling, List<FakeCandidate> candidates) {
    this.task = task;
    this.ceiling = ceiling;
    this.candidates = List.copyOf(candidates);
  }

  @Override
  public Task task() {
    return task;
  }

  @Override
  public double ceiling() {
    return ceiling;
  }

  @Override
  public int size() {
    return candidates.size();
  }

  @Override
  public Candidate get(int index) {
    reads++;
    return candidates.get(index);
  }

  @Override
  public boolean eligible(Candidate c) {
    return c instanceof FakeCandidate f && candidates.contains(f) && f.health() == Health.ONLINE
        && f.load() < ceiling && f.machine().capabilities().containsAll(task.requires());
  }

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

  /** The candidates as given. */
  public List<FakeCandidate> all() {
    return candidates;
  }

  /** How many times {@link #get} was called. */
  public int reads() {
    return reads;
  }

  public boolean anyEligible() {
    return candidates.stream().anyMatch(this::eligible);
  }
}
