package dev.fleet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Writing the seed back gives the same JSON it was read from. */
class RoundTripTest {
  @Test
  void seedWrittenBackIsTheSameJsonTreeWithTheSameKeyOrder() {
    String seedText = Seed.text();
    String written = RegistryJson.write(RegistryJson.read(seedText));
    JsonTrees.assertSameTree(JsonTrees.parse(seedText), JsonTrees.parse(written));
  }

  @Test
  void seedWrittenThenReadGivesEqualEntries() {
    List<RegistryEntry> seed = RegistryJson.seed();
    assertEquals(seed, RegistryJson.read(RegistryJson.write(seed)));
  }

  @Test
  void writingIsStable() {
    String once = RegistryJson.write(RegistryJson.seed());
    assertEquals(once, RegistryJson.write(RegistryJson.read(once)));
  }
}
