package dev.fleet.json;

import dev.fleet.MachineId;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.JsonNode;

/** Parses registry JSON and checks it against the file format, one located error at a time. */
final class RegistryReader {
  private RegistryReader() {}

  /** Parses with {@code parse}, turning Jackson's errors into located format errors. */
  static List<RegistryEntry> read(Supplier<JsonNode> parse) {
    JsonNode root;
    try {
      root = parse.get();
    } catch (JacksonIOException e) {
      throw new UncheckedIOException(e.getCause());
    } catch (JacksonException e) {
      throw notJson(e);
    }
    return entries(root);
  }

  static List<RegistryEntry> entries(JsonNode root) {
    if (root == null || root.isMissingNode()) {
      throw new RegistryFormatException("line 1, column 1", "not valid JSON: the input is empty");
    }
    Location top = Location.TOP;
    if (!root.isObject()) {
      throw top.problem("must be an object with a \"machines\" array, got " + Nodes.describe(root));
    }
    Nodes.rejectUnknown(root, List.of(Fields.MACHINES), top);
    Location machinesAt = top.field(Fields.MACHINES);
    JsonNode machines = Nodes.array(Nodes.required(root, Fields.MACHINES, top), machinesAt);

    List<RegistryEntry> entries = new ArrayList<>(machines.size());
    Map<MachineId, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < machines.size(); i++) {
      Location at = machinesAt.index(i);
      RegistryEntry entry = EntryReader.read(machines.get(i), at);
      Integer first = firstIndex.putIfAbsent(entry.id(), i);
      if (first != null) {
        throw at.field(Fields.ID).problem(
            "duplicate machine id '" + entry.id() + "', first at " + machinesAt.index(first));
      }
      entries.add(entry);
    }
    return List.copyOf(entries);
  }

  private static RegistryFormatException notJson(JacksonException e) {
    TokenStreamLocation where = e.getLocation();
    String location = where == null || where.getLineNr() < 1
        ? "input"
        : "line " + where.getLineNr() + ", column " + where.getColumnNr();
    String message = e.getOriginalMessage();
    if (message != null && message.startsWith("Trailing token")) {
      // Jackson's wording names its own binding classes, which mean nothing to the file's owner.
      message = "unexpected content after the registry's closing '}'";
    }
    return new RegistryFormatException(location, "not valid JSON: " + message, e);
  }
}
