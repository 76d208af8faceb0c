package dev.fleet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trips and error handling over generated registries and generated garbage. */
class RegistryJsonProperties {
  @Provide
  Arbitrary<List<RegistryEntry>> registries() {
    return RegistryArbitraries.registries();
  }

  @Property
  void writeThenReadReturnsEqualEntries(@ForAll("registries") List<RegistryEntry> entries) {
    assertEquals(entries, RegistryJson.read(RegistryJson.write(entries)));
  }

  @Property
  void roundTripKeepsCapabilityAndLabelOrder(@ForAll("registries") List<RegistryEntry> entries) {
    List<RegistryEntry> read = RegistryJson.read(RegistryJson.write(entries));
    for (int i = 0; i < entries.size(); i++) {
      // Set and map equality ignore order; the file must not.
      assertEquals(List.copyOf(entries.get(i).machine().capabilities()),
          List.copyOf(read.get(i).machine().capabilities()));
      assertEquals(List.copyOf(entries.get(i).machine().labels().keySet()),
          List.copyOf(read.get(i).machine().labels().keySet()));
      assertEquals(List.copyOf(entries.get(i).machine().specs().extra().keySet()),
          List.copyOf(read.get(i).machine().specs().extra().keySet()));
    }
  }

  @Property
  void writtenFormIsAFixedPoint(@ForAll("registries") List<RegistryEntry> entries) {
    String written = RegistryJson.write(entries);
    assertEquals(written, RegistryJson.write(RegistryJson.read(written)));
  }

  @Provide
  Arbitrary<String> damagedSeeds() {
    String seed = Seed.text();
    Arbitrary<String> truncated = Arbitraries.integers().between(0, seed.length() - 2).map(n -> seed.substring(0, n));
    Arbitrary<String> charDropped = Arbitraries.integers().between(0, seed.length() - 1)
        .map(n -> seed.substring(0, n) + seed.substring(n + 1));
    Arbitrary<String> charReplaced = net.jqwik.api.Combinators.combine(
            Arbitraries.integers().between(0, seed.length() - 1),
            Arbitraries.of('"', '{', '}', '[', ']', ',', ':', 'x', '-', '0', ' ', '\\'))
        .as((n, c) -> seed.substring(0, n) + c + seed.substring(n + 1));
    return Arbitraries.oneOf(truncated, charDropped, charReplaced, Arbitraries.strings().ofMaxLength(50));
  }

  /** Damaged input either still reads or fails with RegistryFormatException, never a Jackson exception. */
  @Property
  void damagedInputNeverLeaksAnotherException(@ForAll("damagedSeeds") String json) {
    try {
      RegistryJson.read(json);
    } catch (RegistryFormatException expected) {
      // the only acceptable failure
    }
  }
}
