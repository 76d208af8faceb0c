package dev.fleet.testing.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The faults of one simulated run, in the order they happen (faults at the same moment keep the order they
 * were given in).
 *
 * <p>Immutable and thread-safe.
 *
 * @param faults every fault, sorted by {@link Fault#at()}
 */
public record FaultSchedule(List<Fault> faults) {

  private static final FaultSchedule NONE = new FaultSchedule(List.of());

  /**
   * Sorts and copies the faults.
   *
   * @param faults every fault, in any order; ties in time keep this order
   * @throws NullPointerException if {@code faults} is or holds null
   */
  public FaultSchedule {
    Objects.requireNonNull(faults, "faults");
    List<Fault> sorted = new ArrayList<>(faults.size());
    for (Fault f : faults) {
      sorted.add(Objects.requireNonNull(f, "a fault must not be null"));
    }
    sorted.sort(Comparator.comparing(Fault::at)); // stable: ties keep their given order
    faults = List.copyOf(sorted);
  }

  /**
   * A run where nothing goes wrong.
   *
   * @return the empty schedule
   */
  public static FaultSchedule none() {
    return NONE;
  }

  /**
   * A schedule of these faults.
   *
   * @param faults the faults, in any order
   * @return the schedule, sorted by time
   * @throws NullPointerException if a fault is null
   */
  public static FaultSchedule of(Fault... faults) {
    return new FaultSchedule(Arrays.asList(faults));
  }

  /**
   * A schedule of these faults.
   *
   * @param faults the faults, in any order; copied
   * @return the schedule, sorted by time
   * @throws NullPointerException if a fault is null
   */
  public static FaultSchedule of(Collection<? extends Fault> faults) {
    return new FaultSchedule(new ArrayList<>(faults));
  }

  /**
   * This schedule with more faults; this one is unchanged.
   *
   * @param more the faults to add, in any order
   * @return a new schedule of both, sorted by time
   */
  public FaultSchedule plus(Collection<? extends Fault> more) {
    List<Fault> all = new ArrayList<>(faults);
    all.addAll(more);
    return new FaultSchedule(all);
  }

  /**
   * When the last fault's effect is over.
   *
   * @return the latest {@link Fault#end()}, from the start of the run; zero for no faults
   */
  public Duration end() {
    Duration end = Duration.ZERO;
    for (Fault f : faults) {
      if (f.end().compareTo(end) > 0) {
        end = f.end();
      }
    }
    return end;
  }

  /**
   * How many machines a run needs for this schedule.
   *
   * @return the highest machine number any fault names, plus one; 0 for no faults
   */
  public int machinesNamed() {
    int max = -1;
    for (Fault f : faults) {
      max = Math.max(max, f.machine());
    }
    return max + 1;
  }

  /**
   * Only the faults of one kind, e.g. {@code ofType(Fault.Crash.class)}.
   *
   * @param <T> the kind of fault
   * @param type the fault's class
   * @return those faults, in schedule order
   */
  public <T extends Fault> List<T> ofType(Class<T> type) {
    return faults.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public String toString() {
    return "FaultSchedule" + faults;
  }
}
