package dev.fleet.transport.http.internal;

import dev.fleet.Assignment;
import dev.fleet.Fleet;
import dev.fleet.MachineStatus;
import dev.fleet.UnknownMachineException;
import java.util.ArrayList;
import java.util.List;

/**
 * A machine as the API shows it: its status with the monitor's suspicion, whether it holds a credential, and the
 * tasks out on it. Shared by the agents' endpoints (sleep, leave) and the clients' (machines, drain, ...).
 *
 * <p>Thread-safe: it only reads thread-safe collaborators.
 */
final class MachineViews {
  private final Fleet fleet;
  private final Credentials credentials;
  private final Deliveries deliveries;

  MachineViews(Fleet fleet, Credentials credentials, Deliveries deliveries) {
    this.fleet = fleet;
    this.credentials = credentials;
    this.deliveries = deliveries;
  }

  Wire.MachineStatusDto of(MachineStatus s) {
    double suspicion;
    try {
      suspicion = fleet.monitor().suspicion(s.id());
    } catch (UnknownMachineException e) {
      suspicion = 0;
    }
    List<String> tasks = new ArrayList<>();
    for (Assignment a : deliveries.outstandingOn(s.id())) {
      tasks.add(a.task().id().value());
    }
    return WireMapping.dto(s, suspicion, credentials.hasCredential(s.id()), tasks);
  }
}
