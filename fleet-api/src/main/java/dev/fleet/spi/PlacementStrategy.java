package dev.fleet.spi;

import dev.fleet.Task;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.ToDoubleBiFunction;

/**
 * Chooses a machine for a task as a filter → score → select pipeline; each step can be replaced.
 *
 * <p>The core has already filtered out what may never be chosen (not online, lacking a capability, at
 * or over the ceiling); {@link #decline} filters further, {@link #score} ranks (lower wins), and
 * {@link #select} picks. The default {@code select} takes the lowest score, ties to the earliest
 * registered, by scanning the candidates; override it to use the index ({@link
 * Candidates#leastLoaded()}) or to sample.
 *
 * <p>Rules: called on the dispatch path, under the fleet's lock, possibly from several threads one
 * at a time. No blocking, no I/O, no shared mutable state, and no allocation in the steady state where
 * avoidable. Return only a candidate that the view handed out. A strategy that throws or returns a
 * foreign candidate does not break the fleet: the failure is logged and the task is queued with the
 * failure explained.
 */
public interface PlacementStrategy {

  /**
   * The name it is chosen by and shown under, e.g. {@code least-loaded}.
   *
   * @return the name
   */
  String name();

  /**
   * Filter: whether this strategy turns an eligible machine down for the task. The default declines nothing.
   *
   * @param task the task being placed
   * @param candidate an eligible machine
   * @return null if the machine may take the task, else a short reason for people (shown as
   *     {@link dev.fleet.Reason#DECLINED})
   */
  default String decline(Task task, Candidate candidate) {
    return null;
  }

  /**
   * Score: how good a machine is for the task; lower is better. The default is the machine's load.
   *
   * @param task the task being placed
   * @param candidate an eligible machine this strategy did not decline
   * @return the score; lower wins
   */
  default double score(Task task, Candidate candidate) {
    return candidate.load();
  }

  /**
   * Select: picks the machine. The default takes the lowest score among the eligible, not declined candidates,
   * ties to the earliest registered.
   *
   * @param task the task being placed
   * @param candidates the view to choose from; valid only during this call
   * @return the chosen candidate, one the view handed out and eligible, or null to leave the task queued
   */
  default Candidate select(Task task, Candidates candidates) {
    return candidates.lowestScore(this);
  }

  /**
   * One sentence for the rules page.
   *
   * @return the rule in plain words; the default names the strategy
   */
  default String describe() {
    return "machines are chosen by the '" + name() + "' strategy";
  }

  /**
   * A strategy from a filter and a score; select takes the lowest score, ties to the earliest registered.
   *
   * @param name the name it is chosen by; not null
   * @param decline the filter, as {@link #decline}; not null
   * @param score the score, as {@link #score}; not null
   * @return the strategy; as thread-safe as the functions given
   * @throws NullPointerException if an argument is null
   */
  static PlacementStrategy of(String name, BiFunction<Task, Candidate, String> decline,
      ToDoubleBiFunction<Task, Candidate> score) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(decline, "decline");
    Objects.requireNonNull(score, "score");
    return new PlacementStrategy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String decline(Task task, Candidate candidate) {
        return decline.apply(task, candidate);
      }

      @Override
      public double score(Task task, Candidate candidate) {
        return score.applyAsDouble(task, candidate);
      }
    };
  }
}
