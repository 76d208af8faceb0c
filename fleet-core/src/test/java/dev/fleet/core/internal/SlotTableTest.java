package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Numbers stay dense and in registration order through departures, and indexes re-rank when they change. */
class SlotTableTest {

  private static MachineSlot slot(SlotTable table, int order, double load) {
    MachineSlot s = new MachineSlot(Machine.of("m" + order, "m" + order + ".local", "r", List.of("x")), order,
        Health.ONLINE, load, 0L);
    table.assign(s);
    return s;
  }

  @Test
  void compactionRenumbersInRegistrationOrderAndTheIndexStillBreaksTiesToTheEarliest() {
    SlotTable table = new SlotTable();
    LoadIndex index = new LoadIndex(Set.of("x"), table);
    List<MachineSlot> slots = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      MachineSlot s = slot(table, i, 0.5);
      index.add(s);
      slots.add(s);
    }
    // Twelve leave, freeing numbers 0..11; the next registration finds the table full and compacts.
    for (int i = 0; i < 12; i++) {
      slots.get(i).leaveAll();
      table.release(slots.get(i));
    }
    MachineSlot late = slot(table, 16, 0.5);
    index.add(late);
    assertEquals(5, table.live());
    int previous = -1;
    for (MachineSlot s : List.of(slots.get(12), slots.get(13), slots.get(14), slots.get(15), late)) {
      assertTrue(s.seq > previous, () -> s + " renumbered out of order: " + s.seq);
      previous = s.seq;
      assertSame(s, table.get(s.seq));
    }
    assertEquals(4, late.seq, "numbers are dense after compaction");
    // All tie at 0.5: the earliest registered of those left wins, then the next once it is busier.
    assertSame(slots.get(12), index.best());
    slots.get(12).report(0.9);
    slots.get(12).rekey();
    assertSame(slots.get(13), index.best());
    late.report(0.1);
    late.rekey();
    assertSame(late, index.best());
  }

  @Test
  void manyHeartbeatsBetweenReadsCoalesceAndTheTreeStillAnswersExactly() {
    SlotTable table = new SlotTable();
    LoadIndex index = new LoadIndex(Set.of("x"), table);
    List<MachineSlot> slots = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      MachineSlot s = slot(table, i, 0.5);
      index.add(s);
      slots.add(s);
    }
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    for (int round = 0; round < 200; round++) {
      // Between reads, anything from one to a few hundred load changes, some to the same machine.
      int changes = 1 + rnd.nextInt(round % 2 == 0 ? 3 : 300);
      for (int c = 0; c < changes; c++) {
        MachineSlot s = slots.get(rnd.nextInt(slots.size()));
        s.report(rnd.nextInt(10) / 10.0);
        s.rekey();
      }
      MachineSlot expected = null;
      for (MachineSlot s : slots) {
        expected = LoadIndexTest.ranksFirst(expected, s);
      }
      assertSame(expected, index.best(), "round " + round);
    }
  }
}
