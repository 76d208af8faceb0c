package dev.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What would change had the fleet had other machines: the recorded tasks of a window replayed, in a deterministic
 * simulation, on the machines registered now and on the proposed ones, and the p95 wait per capability compared.
 * From {@link Fleet#capacityWhatIf(Duration, List, List)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param window the window whose tasks were replayed
 * @param tasks how many tasks were replayed
 * @param added the machines the proposal adds
 * @param removed the machines it takes away
 * @param waits each capability's p95 wait before and after, by name; tasks requiring nothing under {@code *}
 */
public record CapacityWhatIf(Duration window, int tasks, List<Machine> added, List<MachineId> removed,
    List<Wait> waits) {

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param window not negative
   * @param tasks 0 or more
   * @param added not null; copied
   * @param removed not null; copied
   * @param waits not null; copied
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public CapacityWhatIf {
    CapacitySpans.notNegative("window", window);
    if (tasks < 0) {
      throw new IllegalArgumentException("tasks must be >= 0, got " + tasks);
    }
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    waits = List.copyOf(waits);
  }

  /**
   * One capability's p95 wait for its first attempt, replayed on the machines of now and on the proposed ones.
   *
   * @param capability the capability, or {@code *} for tasks that require none
   * @param tasks how many replayed tasks required it
   * @param before the p95 wait on the machines registered now
   * @param after the p95 wait on the proposed machines
   */
  public record Wait(String capability, long tasks, Duration before, Duration after) {
    /**
     * Checks the components; the record's description says what each means.
     *
     * @param capability not null; {@code *} for tasks that require none
     * @param tasks 0 or more
     * @param before not negative
     * @param after not negative
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range; the message names it and its value
     */
    public Wait {
      Objects.requireNonNull(capability, "capability");
      if (tasks < 0) {
        throw new IllegalArgumentException("tasks of '" + capability + "' must be >= 0, got " + tasks);
      }
      CapacitySpans.notNegative("before", before);
      CapacitySpans.notNegative("after", after);
    }

    /**
     * Whether the proposal changes this capability's p95 wait.
     *
     * @return true if {@code before} and {@code after} differ
     */
    public boolean changed() {
      return !before.equals(after);
    }
  }

  /**
   * The comparison as one sentence a person reads, e.g.
   * {@code "p95 wait for 'inference' 18 min → 2 min; nothing else changes"}.
   *
   * @return one line naming each capability whose wait changes, or saying that nothing does or nothing was
   *     replayed
   */
  public String sentence() {
    List<String> parts = new ArrayList<>();
    for (Wait w : waits) {
      if (w.changed()) {
        parts.add("p95 wait for " + (w.capability().equals("*") ? "tasks requiring nothing" : "'" + w.capability() + "'")
            + " " + CapacitySpans.words(w.before()) + " → " + CapacitySpans.words(w.after()));
      }
    }
    if (tasks == 0) {
      return "no tasks recorded in the last " + CapacitySpans.words(window) + "; nothing to replay";
    }
    if (parts.isEmpty()) {
      return "nothing changes: " + tasks + " tasks of the last " + CapacitySpans.words(window) + " replayed";
    }
    return String.join("; ", parts) + (parts.size() < waits.size() ? "; nothing else changes" : "");
  }
}
