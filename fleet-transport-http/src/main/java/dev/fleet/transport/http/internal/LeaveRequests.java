package dev.fleet.transport.http.internal;

import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * {@code POST /v1/leave}: a machine about to stop says so. {@code {"grace":"PT30S"}} drains it for shutdown (no new
 * work; what runs may finish until the grace is over, then moves); {@code {"now":true}} says it has gone, and the
 * fleet moves its unfinished work at once ({@link dev.fleet.HeartbeatMonitor#announceLeave}). A body that is
 * neither is refused with 400, and nothing changes.
 *
 * <p>Stateless and thread-safe.
 */
final class LeaveRequests {
  private LeaveRequests() {}

  static MachineStatus apply(Fleet fleet, MachineId machine, byte[] body) {
    Wire.LeaveRequest r = Json.read(body, Wire.LeaveRequest.class);
    if (r.grace() != null && r.now() != null) {
      throw Problem.badRequest("give either 'grace' (drain first) or 'now' (gone), not both");
    }
    if (r.now() != null) {
      if (!r.now()) {
        throw Problem.badRequest("field 'now' must be true; to drain before leaving, give 'grace' instead");
      }
      return fleet.monitor().announceLeave(machine);
    }
    if (r.grace() == null) {
      throw Problem.badRequest("give 'grace' (an ISO-8601 duration such as \"PT30S\") to drain before leaving, "
          + "or 'now': true once gone");
    }
    Duration grace;
    try {
      grace = Duration.parse(r.grace());
    } catch (DateTimeParseException e) {
      throw Problem.badRequest("field 'grace' must be an ISO-8601 duration such as \"PT30S\", got '"
          + WireMapping.abbreviate(r.grace()) + "'");
    }
    if (grace.isNegative()) {
      throw Problem.badRequest("field 'grace' must not be negative, got '" + WireMapping.abbreviate(r.grace()) + "'");
    }
    return fleet.registry().drainForShutdown(machine, grace);
  }
}
