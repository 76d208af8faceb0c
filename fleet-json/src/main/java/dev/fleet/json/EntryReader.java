package dev.fleet.json;

import static dev.fleet.json.Fields.CAPABILITIES;
import static dev.fleet.json.Fields.CURRENT_LOAD;
import static dev.fleet.json.Fields.HOSTNAME;
import static dev.fleet.json.Fields.ID;
import static dev.fleet.json.Fields.LABELS;
import static dev.fleet.json.Fields.LAST_HEARTBEAT;
import static dev.fleet.json.Fields.ROLE;
import static dev.fleet.json.Fields.SPECS;
import static dev.fleet.json.Fields.STATUS;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reads one object of the {@code machines} array into a {@link RegistryEntry}. */
final class EntryReader {
  private static final String PLACEHOLDER_ROLE = "placeholder";
  private static final String STATUS_WORDS = "online, suspect, offline, asleep, draining";

  private EntryReader() {}

  static RegistryEntry read(JsonNode node, Location at) {
    Nodes.object(node, at);
    Nodes.rejectUnknown(node, Fields.MACHINE, at);
    String idText = Nodes.string(Nodes.required(node, ID, at), at.field(ID));
    MachineId id = Nodes.within(at.field(ID), () -> new MachineId(idText));
    String hostname = Nodes.string(Nodes.required(node, HOSTNAME, at), at.field(HOSTNAME));
    String role = Nodes.string(Nodes.required(node, ROLE, at), at.field(ROLE));
    List<String> capabilities = capabilities(Nodes.required(node, CAPABILITIES, at), at.field(CAPABILITIES));
    Specs specs = SpecsReader.read(Nodes.required(node, SPECS, at), at.field(SPECS));
    Map<String, String> labels =
        Nodes.optional(node, LABELS).map(n -> labels(n, at.field(LABELS))).orElse(Map.of());
    Health status = status(Nodes.required(node, STATUS, at), at.field(STATUS));
    Optional<Instant> lastHeartbeat =
        Nodes.optional(node, LAST_HEARTBEAT).map(n -> instant(n, at.field(LAST_HEARTBEAT)));
    double load = Nodes.optional(node, CURRENT_LOAD).map(n -> load(n, at.field(CURRENT_LOAD))).orElse(0.0);
    // What a running fleet adds is its view of the moment, not part of the registration: checked, then left.
    Nodes.optional(node, Fields.FLEET).ifPresent(n -> Nodes.object(n, at.field(Fields.FLEET)));

    Machine machine = machine(id, hostname, role, capabilities, specs, labels, at);
    return Nodes.within(at, () -> new RegistryEntry(machine, status, lastHeartbeat, load));
  }

  /**
   * Machine checks all its fields at once, so it is built one real value at a time over placeholders:
   * whichever step fails tells which field to blame.
   */
  private static Machine machine(
      MachineId id, String hostname, String role, List<String> capabilities, Specs specs,
      Map<String, String> labels, Location at) {
    Machine bare = Nodes.within(at.field(HOSTNAME),
        () -> new Machine(id, hostname, PLACEHOLDER_ROLE, Set.of(), Specs.NONE, Map.of()));
    Machine withRole = Nodes.within(at.field(ROLE), () -> bare.withRole(role));
    Machine withCapabilities = Nodes.within(at.field(CAPABILITIES), () -> withRole.withCapabilities(capabilities));
    return Nodes.within(at.field(LABELS),
        () -> new Machine(id, hostname, role, withCapabilities.capabilities(), specs, labels));
  }

  private static List<String> capabilities(JsonNode node, Location at) {
    Nodes.array(node, at);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String capability = Nodes.string(node.get(i), at.index(i));
      // A set would drop the repeat silently and the file would not round-trip.
      if (out.contains(capability)) {
        throw at.index(i).problem("duplicate capability '" + capability + "'");
      }
      out.add(capability);
    }
    return out;
  }

  private static Map<String, String> labels(JsonNode node, Location at) {
    Nodes.object(node, at);
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isNull()) {
        out.put(e.getKey(), Nodes.scalarText(e.getValue(), at.field(e.getKey())));
      }
    }
    return out;
  }

  private static Health status(JsonNode node, Location at) {
    String word = Nodes.string(node, at);
    for (Health health : Health.values()) {
      if (health != Health.LEFT && health != Health.UNKNOWN && health.word().equals(word)) {
        return health;
      }
    }
    if (word.equals(Health.LEFT.word())) {
      throw at.problem("\"left\" is not allowed: a machine that has left is not in the registry; remove its entry");
    }
    throw at.problem("must be one of " + STATUS_WORDS + ", got " + Nodes.describe(node));
  }

  private static Instant instant(JsonNode node, Location at) {
    String text = Nodes.string(node, at);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw at.problem("must be an ISO-8601 instant such as \"2026-04-29T10:30:00Z\", got " + Nodes.describe(node));
    }
  }

  private static double load(JsonNode node, Location at) {
    double value = Double.NaN;
    if (node.isNumber()) {
      try {
        value = node.doubleValue();
      } catch (JacksonException e) {
        // Out of double range: reported below like any other bad load.
      }
    }
    if (Double.isInfinite(value)) {
      // Jackson shows an overflowed number as "Infinity", which is not what the owner wrote.
      throw at.problem("must be a number >= 0, got a number too large to use");
    }
    if (!(value >= 0.0)) {
      throw at.problem("must be a number >= 0, got " + Nodes.describe(node));
    }
    return value;
  }
}
