package dev.fleet.it.consumer;

import dev.fleet.Task;
import dev.fleet.spi.Candidate;
import dev.fleet.spi.PlacementStrategy;

/** Places a task on the eligible machine running the fewest tasks, the less loaded one first among equals. */
public final class FewestTasks implements PlacementStrategy {

  /** The name a fleet chooses it by. */
  public static final String NAME = "fewest-tasks";

  /** The public no-argument constructor ServiceLoader needs on the class path. */
  public FewestTasks() {
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double score(Task task, Candidate candidate) {
    return candidate.activeTasks() + candidate.load() / 10;
  }
}
