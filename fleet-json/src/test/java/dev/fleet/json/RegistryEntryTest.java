package dev.fleet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Health;
import dev.fleet.Machine;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RegistryEntry refuses what a registry file could not hold. */
class RegistryEntryTest {
  private final Machine machine = Machine.of("m3-forge", "m3-forge.local", "primary", List.of("code"));

  @Test
  void refusesLeftAndBadLoads() {
    IllegalArgumentException left = assertThrows(IllegalArgumentException.class,
        () -> new RegistryEntry(machine, Health.LEFT, Optional.empty(), 0));
    assertTrue(left.getMessage().contains("m3-forge"), left.getMessage());
    for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new RegistryEntry(machine, Health.ONLINE, Optional.empty(), bad));
      assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> new RegistryEntry(machine, Health.ONLINE, null, 0));
    assertThrows(NullPointerException.class, () -> new RegistryEntry(machine, null, Optional.empty(), 0));
  }

  @Test
  void negativeZeroLoadIsZero() {
    assertEquals(new RegistryEntry(machine, Health.ONLINE, Optional.empty(), 0.0),
        new RegistryEntry(machine, Health.ONLINE, Optional.empty(), -0.0));
  }
}
