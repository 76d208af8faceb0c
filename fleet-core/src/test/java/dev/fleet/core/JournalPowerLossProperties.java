package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.core.internal.journal.SimulatedDisk;
import dev.fleet.core.internal.journal.SimulatedDisk.Loss;
import dev.fleet.spi.JournalException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Power loss at every operation of random workloads: for each workload, the run is repeated once per disk
 * operation it makes (file writes, forces, truncations, creates, renames, deletes, directory syncs, those of
 * {@code open} and {@code close} included), cutting the power at that operation, and the journal is reopened
 * on what a reboot would find, under a randomly chosen kind of loss (unforced bytes dropped, a torn prefix,
 * garbage or zeros in the torn write, unsynced directory changes partly kept).
 */
class JournalPowerLossProperties {

  /** Every cut point checked, over all tries; the issue asks for at least 10,000. */
  private static final AtomicLong CUTS = new AtomicLong();

  /** One step of a workload. */
  sealed interface Op {}

  record Append(int size) implements Op {}

  record Sync() implements Op {}

  /** A snapshot this far (in percent) from the newest snapshot to the last appended position. */
  record Snapshot(int percent) implements Op {}

  /** What a run appended and what it was told is durable. */
  record Run(List<byte[]> appended, long acknowledged) {}

  @Property(tries = 350)
  void everyAcknowledgedRecordSurvivesPowerLossAndReplayIsAPrefixOfWhatWasAppended(
      @ForAll("workloads") List<Op> ops, @ForAll("segmentSizes") long segmentBytes, @ForAll long seed) {
    SimulatedDisk dry = new SimulatedDisk();
    Run whole = run(ops, dry, segmentBytes);
    assertEquals(whole.appended().size(), whole.acknowledged(), "without a power loss, close syncs everything");
    long total = dry.operations();
    for (long cut = 1; cut <= total; cut++) {
      SimulatedDisk disk = new SimulatedDisk();
      disk.cutPowerAt(cut);
      Run run = run(ops, disk, segmentBytes);
      Random random = new Random(seed * 31 + cut);
      Loss loss = Loss.values()[random.nextInt(Loss.values().length)];
      SimulatedDisk rebooted = disk.afterPowerLoss(loss, random);
      String where = "cut at operation " + cut + " of " + total + ", " + loss;
      List<byte[]> replayed = reopenAndCheck(rebooted, segmentBytes, run, where);
      // The recovered journal must also take new records and keep them.
      byte[] extra = record(replayed.size() + 1, 17);
      try (FileJournal again = journal(rebooted, segmentBytes)) {
        again.open(r -> {});
        again.sync(again.append(extra));
      }
      List<byte[]> expected = new ArrayList<>(replayed);
      expected.add(extra);
      assertEquals(expected.size(), replay(rebooted, segmentBytes).size(), where + ": append after recovery");
      CUTS.incrementAndGet();
    }
  }

  @AfterContainer
  static void atLeastTenThousandCutPointsWereChecked() {
    assertTrue(CUTS.get() >= 10_000, "only " + CUTS.get() + " cut points were checked");
    System.getLogger(JournalPowerLossProperties.class.getName())
        .log(System.Logger.Level.INFO, "power loss checked at {0} cut points", CUTS.get());
  }

  private static List<byte[]> reopenAndCheck(SimulatedDisk disk, long segmentBytes, Run run, String where) {
    List<byte[]> replayed = replay(disk, segmentBytes);
    assertTrue(replayed.size() >= run.acknowledged(),
        where + ": replayed " + replayed.size() + " records, but " + run.acknowledged() + " were acknowledged");
    assertTrue(replayed.size() <= run.appended().size(),
        where + ": replayed " + replayed.size() + " records, more than the " + run.appended().size() + " appended");
    for (int i = 0; i < replayed.size(); i++) {
      assertArrayEquals(run.appended().get(i), replayed.get(i), where + ": record " + (i + 1));
    }
    return replayed;
  }

  private static List<byte[]> replay(SimulatedDisk disk, long segmentBytes) {
    List<byte[]> replayed = new ArrayList<>();
    try (FileJournal journal = journal(disk, segmentBytes)) {
      journal.open(replayed::add);
      assertEquals(replayed.size(), journal.position());
    }
    return replayed;
  }

  /** Runs the workload until it ends or the power goes. */
  private static Run run(List<Op> ops, SimulatedDisk disk, long segmentBytes) {
    List<byte[]> appended = new ArrayList<>();
    long acknowledged = 0;
    long newestSnapshot = 0;
    FileJournal journal = journal(disk, segmentBytes);
    try {
      journal.open(r -> {
        throw new AssertionError("a new journal replayed a record");
      });
      for (Op op : ops) {
        if (op instanceof Append a) {
          byte[] r = record(appended.size() + 1, a.size());
          assertEquals(appended.size() + 1, journal.append(r));
          appended.add(r);
        } else if (op instanceof Sync) {
          long position = journal.position();
          journal.sync(position);
          acknowledged = Math.max(acknowledged, position);
        } else if (op instanceof Snapshot s) {
          long position = newestSnapshot + (appended.size() - newestSnapshot) * s.percent() / 100;
          journal.snapshot(position, List.copyOf(appended.subList(0, (int) position)));
          newestSnapshot = position;
          acknowledged = Math.max(acknowledged, position);
        }
      }
      journal.close();
      if (journal.failure().isEmpty()) {
        acknowledged = appended.size();
      }
    } catch (JournalException e) {
      if (!disk.poweredOff()) {
        throw e;
      }
    }
    return new Run(appended, acknowledged);
  }

  private static FileJournal journal(SimulatedDisk disk, long segmentBytes) {
    return FileJournal.newBuilder(Path.of("simulated")).segmentBytes(segmentBytes).storage(disk).build();
  }

  /** A record that says which position it was appended at, so a reordering or a mix-up shows. */
  static byte[] record(long position, int size) {
    byte[] r = new byte[size];
    for (int i = 0; i < size; i++) {
      r[i] = (byte) (position * 31 + i * 7 + (i >> 8));
    }
    return r;
  }

  @Provide
  Arbitrary<List<Op>> workloads() {
    Arbitrary<Op> append = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, Arbitraries.just(0)),
        net.jqwik.api.Tuple.of(12, Arbitraries.integers().between(1, 300)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(2_000, 20_000))).map(Append::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, append),
        net.jqwik.api.Tuple.of(4, Arbitraries.just(new Sync())),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 100).map(Snapshot::new)))
        .list().ofMinSize(25).ofMaxSize(70);
  }

  @Provide
  Arbitrary<Long> segmentSizes() {
    return Arbitraries.of(1L, 300L, 2_000L, 20_000L);
  }
}
