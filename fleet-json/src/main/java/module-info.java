/**
 * Fleet's registry file in JSON: reads and writes the machines a fleet starts from, with located errors for a
 * malformed file. {@code dev.fleet.json.RegistryJson} is the entry point.
 *
 * <p>Jackson does the parsing and is not part of this module's API, so it is required, not re-exported.
 */
module dev.fleet.json {
  // RegistryEntry and RegistryJson take and return dev.fleet types (Machine, Health, MachineStatus).
  requires transitive dev.fleet.api;
  requires tools.jackson.core;
  requires tools.jackson.databind;

  exports dev.fleet.json;
}
