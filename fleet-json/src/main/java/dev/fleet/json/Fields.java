package dev.fleet.json;

import java.util.List;

/** The registry file's field names, in the order they are written. */
final class Fields {
  static final String MACHINES = "machines";

  static final String ID = "id";
  static final String HOSTNAME = "hostname";
  static final String ROLE = "role";
  static final String CAPABILITIES = "capabilities";
  static final String SPECS = "specs";
  static final String LABELS = "labels";
  static final String STATUS = "status";
  static final String LAST_HEARTBEAT = "last_heartbeat";
  static final String CURRENT_LOAD = "current_load";
  /** What a running fleet adds about a machine (GET /v1/registry): written by it, ignored on reading. */
  static final String FLEET = "fleet";

  /** Every field a machine object may have; anything else is taken to be a typo. */
  static final List<String> MACHINE =
      List.of(ID, HOSTNAME, ROLE, CAPABILITIES, SPECS, LABELS, STATUS, LAST_HEARTBEAT, CURRENT_LOAD, FLEET);

  static final String RAM = "ram";
  static final String CHIP = "chip";
  static final String GPU = "gpu";
  static final String CORES = "cores";

  /** Specs keys with a field of their own; any other key is an extra. */
  static final List<String> SPECS_KNOWN = List.of(RAM, CHIP, GPU, CORES);

  private Fields() {}
}
