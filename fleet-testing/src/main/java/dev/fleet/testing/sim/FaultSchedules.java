package dev.fleet.testing.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * jqwik generators of {@link FaultSchedule}s: crashes (some followed by a restart), reboots, sleeps announced
 * or not, partitions whose reports are held or lost, pauses, and drains with deadlines (some while the machine
 * is already asleep, partitioned, paused or crashed), all within a run's
 * length so each fault's effect is over before the run settles. They shrink towards fewer, earlier, shorter
 * faults on lower-numbered machines.
 *
 * <p>Stateless and thread-safe.
 */
public final class FaultSchedules {
  private FaultSchedules() {}

  /**
   * Schedules of up to {@code maxFaults} faults over {@code machines} machines within {@code length}.
   *
   * @param machines how many machines the run has; faults name machines 0 to {@code machines - 1}; at least 1
   * @param length the span in which every fault starts and ends; at least 2 s
   * @param maxFaults the most faults in one schedule; 0 or more
   * @return an arbitrary for jqwik properties, shrinking towards fewer, earlier, shorter faults
   * @throws IllegalArgumentException if a bound is out of range; the message holds the value
   */
  public static Arbitrary<FaultSchedule> schedules(int machines, Duration length, int maxFaults) {
    if (machines < 1 || maxFaults < 0) {
      throw new IllegalArgumentException("need machines >= 1 and maxFaults >= 0, got " + machines + " and " + maxFaults);
    }
    long lengthMs = length.toMillis();
    if (lengthMs < 2_000) {
      throw new IllegalArgumentException("length must be at least 2 s, got " + length);
    }
    return faults(machines, lengthMs).list().ofMaxSize(maxFaults).map(groups -> {
      List<Fault> all = new ArrayList<>();
      groups.forEach(all::addAll);
      // A group holds up to three faults (a crash, its restart, a drain), so cut to the promised number.
      return FaultSchedule.of(all.subList(0, Math.min(all.size(), maxFaults)));
    });
  }

  /** One fault, or a crash and the restart that ends it. */
  private static Arbitrary<List<Fault>> faults(int machines, long lengthMs) {
    // Biased towards low numbers, so faults pile up on a few machines and overlap, as the hard cases need.
    Arbitrary<Integer> machine = Arbitraries.integers().between(0, machines - 1)
        .withDistribution(RandomDistribution.biased());
    Arbitrary<Long> at = Arbitraries.longs().between(0, lengthMs - 1_000);
    Arbitrary<List<Fault>> crash = Combinators.combine(machine, at)
        .as((m, t) -> List.of(new Fault.Crash(m, ms(t))));
    Arbitrary<List<Fault>> crashAndRestart = Combinators.combine(machine, at, Arbitraries.longs().between(1, 300_000))
        .as((m, t, down) -> List.of(new Fault.Crash(m, ms(t)), new Fault.Restart(m, ms(within(t, down, lengthMs)))));
    Arbitrary<List<Fault>> reboot = Combinators.combine(machine, at)
        .as((m, t) -> List.of(new Fault.Restart(m, ms(t))));
    Arbitrary<List<Fault>> sleep = Combinators.combine(machine, at, Arbitraries.longs().between(1_000, 600_000),
            Arbitraries.of(true, false))
        .as((m, t, d, announced) -> List.of(new Fault.Sleep(m, ms(t), ms(span(t, d, lengthMs)), announced)));
    Arbitrary<List<Fault>> partition = Combinators.combine(machine, at, Arbitraries.longs().between(1_000, 300_000),
            Arbitraries.of(false, true))
        .as((m, t, d, lost) -> List.of(new Fault.Partition(m, ms(t), ms(span(t, d, lengthMs)), lost)));
    Arbitrary<List<Fault>> pause = Combinators.combine(machine, at, Arbitraries.longs().between(100, 20_000))
        .as((m, t, d) -> List.of(new Fault.Pause(m, ms(t), ms(span(t, d, lengthMs)))));
    Arbitrary<List<Fault>> drain = Combinators.combine(machine, at, Arbitraries.longs().between(0, 180_000))
        .as((m, t, d) -> List.of(new Fault.Drain(m, ms(t), ms(Math.max(0, Math.min(d, lengthMs - 1 - t))))));
    // A drain while the machine is already in trouble: asleep, partitioned, paused or crashed.
    Arbitrary<List<Fault>> trouble = Arbitraries.oneOf(List.of(crash, crashAndRestart, sleep, partition, pause));
    Arbitrary<List<Fault>> drainInTrouble = Combinators.combine(trouble, Arbitraries.longs().between(0, 60_000),
            Arbitraries.longs().between(0, 60_000))
        .as((first, after, deadline) -> {
          Fault f = first.get(0);
          long t = Math.min(f.at().toMillis() + after, lengthMs - 1);
          List<Fault> both = new java.util.ArrayList<>(first);
          both.add(new Fault.Drain(f.machine(), ms(t), ms(Math.max(0, Math.min(deadline, lengthMs - 1 - t)))));
          return both;
        });
    return Arbitraries.oneOf(List.of(crash, crashAndRestart, reboot, sleep, partition, pause, drain, drainInTrouble));
  }

  /** A span starting at {@code t} that ends before the run does. */
  private static long span(long t, long d, long lengthMs) {
    return Math.max(1, Math.min(d, lengthMs - 1 - t));
  }

  private static long within(long t, long d, long lengthMs) {
    return Math.min(t + d, lengthMs - 1);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
