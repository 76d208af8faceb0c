package dev.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A machine's capabilities behave exactly like the ordered set they were given, whatever their number. */
class NameSetProperties {

  @Property(tries = 300)
  void capabilitiesEqualHashAndIterateLikeTheLinkedHashSetTheyCameFrom(
      @ForAll("names") List<String> given, @ForAll("names") List<String> probes) {
    LinkedHashSet<String> expected = new LinkedHashSet<>(given);
    Set<String> caps = Machine.of("m", "m.local", "r", given).capabilities();
    assertEquals(expected, caps);
    assertEquals(caps, expected);
    assertEquals(expected.hashCode(), caps.hashCode());
    assertEquals(new ArrayList<>(expected), new ArrayList<>(caps), "order kept as given");
    assertEquals(List.copyOf(expected), List.of(caps.toArray(new String[0])));
    for (String p : probes) {
      assertEquals(expected.contains(p), caps.contains(p), () -> "contains " + p);
    }
    assertThrows(UnsupportedOperationException.class, () -> caps.add("more"));
  }

  @Provide
  Arbitrary<List<String>> names() {
    // A small alphabet so that duplicates and hits are common, and up to 30 names so both lookups are used.
    return Arbitraries.strings().withCharRange('a', 'f').ofMinLength(1).ofMaxLength(2).list().ofMaxSize(30);
  }
}
