package dev.fleet.json;

import static dev.fleet.json.Fields.CAPABILITIES;
import static dev.fleet.json.Fields.CHIP;
import static dev.fleet.json.Fields.CORES;
import static dev.fleet.json.Fields.CURRENT_LOAD;
import static dev.fleet.json.Fields.GPU;
import static dev.fleet.json.Fields.HOSTNAME;
import static dev.fleet.json.Fields.ID;
import static dev.fleet.json.Fields.LABELS;
import static dev.fleet.json.Fields.LAST_HEARTBEAT;
import static dev.fleet.json.Fields.RAM;
import static dev.fleet.json.Fields.ROLE;
import static dev.fleet.json.Fields.SPECS;
import static dev.fleet.json.Fields.STATUS;

import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Turns entries into registry JSON with the seed's key order, refusing what could not be read back. */
final class RegistryWriter {
  private RegistryWriter() {}

  static String write(List<RegistryEntry> entries) {
    return write(entries, e -> Map.of());
  }

  /** With each machine's {@code fleet} object from {@code fleetDetail}, left out where it is empty. */
  static String write(List<RegistryEntry> entries, Function<RegistryEntry, Map<String, ?>> fleetDetail) {
    Objects.requireNonNull(entries, "entries must not be null");
    Objects.requireNonNull(fleetDetail, "fleetDetail must not be null");
    ObjectNode root = Jackson.MAPPER.createObjectNode();
    ArrayNode machines = root.putArray(Fields.MACHINES);
    Set<MachineId> seen = new HashSet<>();
    for (RegistryEntry entry : entries) {
      Objects.requireNonNull(entry, "entries must not contain null");
      if (!seen.add(entry.id())) {
        throw new IllegalArgumentException("duplicate machine id '" + entry.id() + "' in entries");
      }
      ObjectNode machine = machines.addObject();
      machine(machine, entry);
      Map<String, ?> detail = fleetDetail.apply(entry);
      if (detail != null && !detail.isEmpty()) {
        machine.set(Fields.FLEET, Jackson.MAPPER.valueToTree(detail));
      }
    }
    return Jackson.WRITER.writeValueAsString(root) + "\n";
  }

  private static void machine(ObjectNode out, RegistryEntry entry) {
    Machine m = entry.machine();
    out.put(ID, m.id().value());
    out.put(HOSTNAME, m.hostname());
    out.put(ROLE, m.role());
    ArrayNode capabilities = out.putArray(CAPABILITIES);
    m.capabilities().forEach(capabilities::add);
    specs(out.putObject(SPECS), m);
    if (!m.labels().isEmpty()) {
      ObjectNode labels = out.putObject(LABELS);
      m.labels().forEach(labels::put);
    }
    out.put(STATUS, entry.status().word());
    entry.lastHeartbeat().ifPresent(t -> out.put(LAST_HEARTBEAT, t.toString()));
    out.put(CURRENT_LOAD, entry.currentLoad());
  }

  private static void specs(ObjectNode out, Machine m) {
    Specs specs = m.specs();
    specs.ram().ifPresent(v -> out.put(RAM, v));
    specs.chip().ifPresent(v -> out.put(CHIP, v));
    specs.gpu().ifPresent(v -> out.put(GPU, v));
    specs.cores().ifPresent(v -> out.put(CORES, v));
    specs.extra().forEach((key, value) -> {
      // Written out, an extra named like a known key would be read back as that key.
      if (Fields.SPECS_KNOWN.contains(key)) {
        throw new IllegalArgumentException("specs extra '" + key + "' of " + m.id()
            + " clashes with the specs field of that name; store it in the field instead");
      }
      out.put(key, value);
    });
  }
}
