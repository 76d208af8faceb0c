package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.Machine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * The tournament tree behind every capability set, against a brute-force list: random machines join
 * random subsets of three indexes, change load and health, and leave, the way the registry drives
 * them (join through {@link LoadIndex#add}, re-rank through {@link MachineSlot#rekey}, leave through
 * {@link MachineSlot#leaveAll}).
 */
class LoadIndexProperties {
  private static final int INDEXES = 3;

  record Key(Health health, double load, long reservedMicros) {}

  sealed interface Step permits Add, Leave, Rekey {}

  /**
   * @param indexes which of the indexes it joins, as bits (at least one)
   */
  record Add(int indexes, Key key) implements Step {}

  record Leave(int slot) implements Step {}

  record Rekey(int slot, Key key) implements Step {}

  @Property(tries = 300)
  void bestIsTheMinimumByKeyThenRegistrationOrderOverMachinesWithAFiniteKey(@ForAll("steps") List<Step> steps) {
    new Model().run(steps, Model::checkBest);
  }

  @Property(tries = 300)
  void everyMemberIsReachableThroughExactlyOneLeafAndMembershipsAgree(@ForAll("steps") List<Step> steps) {
    new Model().run(steps, Model::checkLeaves);
  }

  /** The indexes and, beside them, plain lists of what each should hold. */
  static final class Model {
    final List<LoadIndex> indexes = new ArrayList<>();
    final List<Set<MachineSlot>> members = new ArrayList<>();
    final List<MachineSlot> slots = new ArrayList<>();
    final SlotTable table = new SlotTable();
    int made;

    Model() {
      for (int i = 0; i < INDEXES; i++) {
        indexes.add(new LoadIndex(Set.of("c" + i), table));
        members.add(Collections.newSetFromMap(new IdentityHashMap<>()));
      }
    }

    void run(List<Step> steps, BiConsumer<Model, Step> check) {
      for (Step step : steps) {
        apply(step);
        check.accept(this, step);
      }
      for (LoadIndex index : indexes) {
        int size = index.size();
        assertThrows(IndexOutOfBoundsException.class, () -> index.leaf(size), "a leaf past the last member");
        assertThrows(IndexOutOfBoundsException.class, () -> index.leaf(-1));
      }
    }

    void apply(Step step) {
      if (step instanceof Add a) {
        int n = made++;
        long order = n;
        MachineSlot s = new MachineSlot(Machine.of("m" + n, "m" + n + ".local", "r", List.of("c")), order,
            a.key().health(), a.key().load(), 0L);
        table.assign(s);
        s.reservedMicros = a.key().reservedMicros();
        s.rekey();
        slots.add(s);
        for (int i = 0; i < INDEXES; i++) {
          if ((a.indexes() & (1 << i)) != 0) {
            indexes.get(i).add(s);
            members.get(i).add(s);
          }
        }
      } else if (step instanceof Leave l) {
        if (slots.isEmpty()) {
          return;
        }
        MachineSlot s = slots.remove(Math.floorMod(l.slot(), slots.size()));
        s.leaveAll();
        table.release(s);
        for (Set<MachineSlot> m : members) {
          m.remove(s);
        }
      } else if (step instanceof Rekey r) {
        if (slots.isEmpty()) {
          return;
        }
        MachineSlot s = slots.get(Math.floorMod(r.slot(), slots.size()));
        s.health = r.key().health();
        s.report(r.key().load());
        s.reservedMicros = r.key().reservedMicros();
        s.rekey();
      }
    }

    static double expectedKey(MachineSlot s) {
      if (s.health != Health.ONLINE) {
        return Double.POSITIVE_INFINITY;
      }
      return (Math.rint(s.reportedLoad * 1e6) + s.reservedMicros) / 1e6;
    }

    void checkBest(Step after) {
      for (int i = 0; i < INDEXES; i++) {
        MachineSlot expected = null;
        for (MachineSlot s : members.get(i)) {
          assertEquals(expectedKey(s), s.key, () -> "key of " + s + " after " + after);
          if (s.key == Double.POSITIVE_INFINITY) {
            continue;
          }
          if (expected == null || s.key < expected.key
              || (s.key == expected.key && s.registrationOrder < expected.registrationOrder)) {
            expected = s;
          }
        }
        int index = i;
        assertSame(expected, indexes.get(i).best(), () -> "best of index " + index + " after " + after + ": " + describe(index));
      }
    }

    void checkLeaves(Step after) {
      for (int i = 0; i < INDEXES; i++) {
        LoadIndex index = indexes.get(i);
        int n = i;
        assertEquals(members.get(i).size(), index.size(), () -> "size of index " + n + " after " + after);
        Set<MachineSlot> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int p = 0; p < index.size(); p++) {
          MachineSlot s = index.leaf(p);
          int leaf = p;
          assertTrue(members.get(i).contains(s), () -> s + " at leaf " + leaf + " of index " + n + " is not a member");
          assertTrue(seen.add(s), () -> s + " is at two leaves of index " + n);
        }
      }
      for (MachineSlot s : slots) {
        Map<LoadIndex, Boolean> in = new IdentityHashMap<>();
        for (int m = 0; m < s.membershipCount(); m++) {
          assertTrue(in.put(s.membership(m), true) == null, () -> s + " belongs to one index twice");
        }
        for (int i = 0; i < INDEXES; i++) {
          boolean expected = members.get(i).contains(s);
          int n = i;
          assertEquals(expected, s.memberOf(indexes.get(i)), () -> s + " in index " + n + " after " + after);
          assertEquals(expected, in.containsKey(indexes.get(i)), () -> s + " memberships after " + after);
        }
      }
    }

    String describe(int i) {
      LinkedHashSet<String> out = new LinkedHashSet<>();
      for (int p = 0; p < indexes.get(i).size(); p++) {
        MachineSlot s = indexes.get(i).leaf(p);
        out.add(s.id() + "(key " + s.key + ", order " + s.registrationOrder + ")");
      }
      return out.toString();
    }
  }

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1000);
    Arbitrary<Step> add = Combinators.combine(Arbitraries.integers().between(1, (1 << INDEXES) - 1), keys())
        .as(Add::new);
    Arbitrary<Step> leave = pick.map(Leave::new);
    Arbitrary<Step> rekey = Combinators.combine(pick, keys()).as(Rekey::new);
    return Arbitraries.frequencyOf(Tuple.of(5, add), Tuple.of(2, leave), Tuple.of(6, rekey))
        .list().ofMaxSize(200).withSizeDistribution(RandomDistribution.uniform());
  }

  /** Few distinct loads, so ties are common; health other than online makes the key infinite. */
  static Arbitrary<Key> keys() {
    return Combinators.combine(
        Arbitraries.frequency(Tuple.of(6, Health.ONLINE), Tuple.of(1, Health.SUSPECT), Tuple.of(1, Health.OFFLINE),
            Tuple.of(1, Health.DRAINING)),
        Arbitraries.of(0.0, 0.1, 0.2, 0.5, 0.7, 0.8, 1.0),
        Arbitraries.of(0L, 0L, 50_000L, 100_000L, 200_000L))
        .as(Key::new);
  }
}
