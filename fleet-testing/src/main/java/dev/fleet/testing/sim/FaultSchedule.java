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

  public FaultSchedule {
    Objects.requireNonNull(faults, "faults");
    List<Fault> sorted = new ArrayList<>(faults.size());
    for (Fault f : faults) {
      sorted.add(Objects.requireNonNull(f, "a fault must not be null"));
    }
    sorted.sort(Comparator.comparing(Fault::at)); // stable: ties keep their given order
    faults = List.copyOf(sorted);
  }

  /** A run where nothing goes wrong. */
  public static FaultSchedule none() {
    return NONE;
  }

  public static FaultSchedule of(Fault... faults) {
    return new FaultSchedule(Arrays.asList(faults));
  }

  public static FaultSchedule of(Collection<? extends Fault> faults) {
    return new FaultSchedule(new ArrayList<>(faults));
  }

  /** This schedule with more faults. */
  public FaultSchedule plus(Collection<? extends Fault> more) {
    List<Fault> all = new ArrayList<>(faults);
    all.addAll(more);
    return new FaultSchedule(all);
  }

  /** When the last fault's effect is over; zero for no faults. */
  public Duration end() {
    Duration end = Duration.ZERO;
    for (Fault f : faults) {
      if (f.end().compareTo(end) > 0) {
        end = f.end();
      }
    }
    return end;
  }

  /** The highest machine number any fault names, plus one; 0 for no faults. */
  public int machinesNamed() {
    int max = -1;
    for (Fault f : faults) {
      max = Math.max(max, f.machine());
    }
    return max + 1;
  }

  /** Only the faults of one kind, e.g. {@code ofType(Fault.Crash.class)}. */
  public <T extends Fault> List<T> ofType(Class<T> type) {
    return faults.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public String toString() {
    return "FaultSchedule" + faults;
  }
}
