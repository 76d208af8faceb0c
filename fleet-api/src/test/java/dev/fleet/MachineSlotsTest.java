package dev.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The {@code slots} label: read as a whole number from 1 to 4096, refused otherwise with the bad value named. */
class MachineSlotsTest {
  private static final Machine M = Machine.of("m1", "m1.local", "worker", List.of("x"));

  @Test
  void slotsAreALabelReadBack() {
    assertEquals(OptionalInt.empty(), M.slots());
    Machine two = M.withSlots(2);
    assertEquals(OptionalInt.of(2), two.slots());
    assertEquals("2", two.labels().get(Machine.LABEL_SLOTS));
    assertEquals(OptionalInt.of(4096), M.withSlots(Machine.MAX_SLOTS).slots());
    assertEquals(OptionalInt.of(1), M.withLabel("slots", "1").slots());
  }

  @Test
  void aBadSlotCountIsRefusedNamingTheMachineAndTheValue() {
    for (String bad : List.of("0", "-1", "4097", "two", "", " 2", "1.5", "99999999999")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> M.withLabel("slots", bad));
      assertEquals("slots of m1 must be a whole number from 1 to 4096, got '" + bad + "'", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new Machine(M.id(), "h", "r", M.capabilities(), Specs.NONE,
          Map.of("slots", bad)));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> M.withSlots(0));
    assertEquals("slots of m1 must be a whole number from 1 to 4096, got '0'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> M.withSlots(4097));
  }

  @Test
  void aStatusSaysHowManySlotsAreFree() {
    MachineStatus s = new MachineStatus(M.withSlots(3), Health.ONLINE, 0, 0, Signals.NONE, Optional.empty(), 2, 1);
    assertEquals(OptionalInt.of(1), s.slotsFree());
    MachineStatus over = new MachineStatus(M.withSlots(1), Health.ONLINE, 0, 0, Signals.NONE, Optional.empty(), 2, 1);
    assertEquals(OptionalInt.of(0), over.slotsFree(), "never below 0, e.g. after its slots were lowered");
    assertEquals(OptionalInt.empty(),
        new MachineStatus(M, Health.ONLINE, 0, 0, Signals.NONE, Optional.empty(), 5, 1).slotsFree());
  }
}
