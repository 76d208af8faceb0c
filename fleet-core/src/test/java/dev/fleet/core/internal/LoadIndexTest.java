package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fleet.Health;
import dev.fleet.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tournament tree against a brute-force minimum, through random load changes, joins and departures. */
class LoadIndexTest {
  private static final double[] NEAR_TIES = {0.0, 0.25, 0.5, 0.5 + 1e-12, 0.5 - 1e-12, 0.75, 1.0, 1.0 + 1e-9};

  private static MachineSlot slot(SlotTable table, int order) {
    MachineSlot s = new MachineSlot(Machine.of("m" + order, "m" + order + ".local", "r", List.of("x")), order,
        Health.ONLINE, 0.5, 0L);
    table.assign(s);
    return s;
  }

  /** The one of {@code a} and {@code b} that ranks first (lower load, then earlier registered); null ranks last. */
  static MachineSlot ranksFirst(MachineSlot a, MachineSlot b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    if (a.key != b.key) {
      return a.key < b.key ? a : b;
    }
    return a.registrationOrder <= b.registrationOrder ? a : b;
  }

  private static MachineSlot bruteForceBest(List<MachineSlot> members) {
    MachineSlot best = null;
    for (MachineSlot m : members) {
      if (m.key != Double.POSITIVE_INFINITY && (best == null || LoadIndexTest.ranksFirst(best, m) == m)) {
        best = m;
      }
    }
    return best;
  }

  @Test
  void bestIsAlwaysTheLeastLoadedOnlineMemberTiesToTheEarliest() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      SlotTable table = new SlotTable();
      LoadIndex a = new LoadIndex(Set.of("a"), table);
      LoadIndex b = new LoadIndex(Set.of("b"), table);
      List<MachineSlot> inA = new ArrayList<>();
      List<MachineSlot> inB = new ArrayList<>();
      List<MachineSlot> all = new ArrayList<>();
      int registered = 0;
      for (int step = 0; step < 3000; step++) {
        int op = rnd.nextInt(10);
        if (op < 2 || all.isEmpty()) {
          MachineSlot s = slot(table, ++registered);
          all.add(s);
          if (rnd.nextBoolean()) {
            a.add(s);
            inA.add(s);
          }
          if (rnd.nextBoolean()) {
            b.add(s);
            inB.add(s);
          }
        } else if (op < 3) {
          MachineSlot s = all.remove(rnd.nextInt(all.size()));
          s.leaveAll();
          table.release(s);
          inA.remove(s);
          inB.remove(s);
        } else {
          MachineSlot s = all.get(rnd.nextInt(all.size()));
          // Coarse loads make ties common, so the tie-break is exercised too; loads a hair apart are equal at
          // the millionth resolution loads are compared at, and tie too.
          s.reportedLoad = NEAR_TIES[rnd.nextInt(NEAR_TIES.length)];
          s.health = rnd.nextInt(8) == 0 ? Health.OFFLINE : Health.ONLINE;
          s.rekey();
        }
        assertSame(bruteForceBest(inA), a.best(), "index a, seed " + seed + ", step " + step);
        assertSame(bruteForceBest(inB), b.best(), "index b, seed " + seed + ", step " + step);
      }
    }
  }

  @Test
  void bestMatchingIsTheBestMemberThatPassesTheTestAndIsUnderTheCeiling() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      SlotTable table = new SlotTable();
      LoadIndex index = new LoadIndex(Set.of("x"), table);
      List<MachineSlot> all = new ArrayList<>();
      for (int i = 0; i < 1 + rnd.nextInt(300); i++) {
        MachineSlot s = slot(table, i);
        s.reportedLoad = NEAR_TIES[rnd.nextInt(NEAR_TIES.length)];
        s.report(s.reportedLoad);
        s.health = rnd.nextInt(8) == 0 ? Health.OFFLINE : Health.ONLINE;
        s.rekey();
        index.add(s);
        all.add(s);
      }
      for (int round = 0; round < 50; round++) {
        int modulus = 1 + rnd.nextInt(7);
        double ceiling = NEAR_TIES[rnd.nextInt(NEAR_TIES.length)];
        java.util.function.Predicate<MachineSlot> test = s -> s.registrationOrder % modulus == 0;
        MachineSlot expected = null;
        for (MachineSlot s : all) {
          if (s.key < ceiling && test.test(s)) {
            expected = LoadIndexTest.ranksFirst(expected, s);
          }
        }
        long r = seed;
        int n = round;
        assertSame(expected, index.bestMatching(test, ceiling), () -> "seed " + r + ", round " + n);
        MachineSlot changed = all.get(rnd.nextInt(all.size()));
        changed.report(NEAR_TIES[rnd.nextInt(NEAR_TIES.length)]);
        changed.rekey();
      }
    }
  }

  @Test
  void avoidingAMachineThatLeftWhileOfflineFindsNothingInAnEmptyIndex() {
    SlotTable table = new SlotTable();
    LoadIndex index = new LoadIndex(java.util.Set.of("x"), table);
    MachineSlot gone = slot(table, 0);
    index.add(gone);
    gone.health = Health.OFFLINE;
    gone.rekey();
    gone.leaveAll();
    table.release(gone); // its rank is now that of an empty leaf
    org.junit.jupiter.api.Assertions.assertNull(index.bestExcluding(gone));
    MachineSlot other = slot(table, 1);
    index.add(other);
    org.junit.jupiter.api.Assertions.assertSame(other, index.bestExcluding(gone));
  }
}
