package dev.fleet.json;

import static dev.fleet.json.Fields.CHIP;
import static dev.fleet.json.Fields.CORES;
import static dev.fleet.json.Fields.GPU;
import static dev.fleet.json.Fields.RAM;

import dev.fleet.Specs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/** Reads a machine's {@code specs} object; keys without a field of their own become extras. */
final class SpecsReader {
  private SpecsReader() {}

  static Specs read(JsonNode node, Location at) {
    Nodes.object(node, at);
    Optional<String> ram = Nodes.optional(node, RAM).map(n -> Nodes.string(n, at.field(RAM)));
    Optional<String> chip = Nodes.optional(node, CHIP).map(n -> Nodes.string(n, at.field(CHIP)));
    Optional<Boolean> gpu = Nodes.optional(node, GPU).map(n -> Nodes.bool(n, at.field(GPU)));
    OptionalInt cores = Nodes.optional(node, CORES)
        .map(n -> OptionalInt.of(cores(n, at.field(CORES))))
        .orElse(OptionalInt.empty());
    Map<String, String> extra = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!Fields.SPECS_KNOWN.contains(e.getKey()) && !e.getValue().isNull()) {
        extra.put(e.getKey(), Nodes.scalarText(e.getValue(), at.field(e.getKey())));
      }
    }
    return Nodes.within(at, () -> new Specs(ram, chip, gpu, cores, extra));
  }

  private static int cores(JsonNode node, Location at) {
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
      throw at.problem("must be a whole number >= 1, got " + Nodes.describe(node));
    }
    return node.intValue();
  }
}
