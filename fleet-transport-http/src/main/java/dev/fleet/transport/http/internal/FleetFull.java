package dev.fleet.transport.http.internal;

import dev.fleet.Fleet;
import dev.fleet.Health;
import dev.fleet.MachineStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The 409 {@code fleet-full} answer to a join when the fleet holds as many machines as it may: how many of them
 * are silent and since when, and the three ways to make room (remove machines, let the fleet prune them, allow
 * more).
 *
 * <p>Thread-safe: stateless.
 */
final class FleetFull {
  private FleetFull() {}

  static Problem problem(Fleet fleet, int maxMachines) {
    List<MachineStatus> all = fleet.registry().list();
    List<MachineStatus> silent = all.stream().filter(s -> s.health() == Health.OFFLINE
        || s.health() == Health.ASLEEP || s.health() == Health.UNKNOWN || s.health() == Health.SUSPECT).toList();
    StringBuilder why = new StringBuilder("the fleet has ").append(all.size()).append(" machines, the most allowed (")
        .append(maxMachines).append("); ");
    if (silent.isEmpty()) {
      why.append("none of them is silent. ");
    } else {
      why.append(silent.size()).append(" of them ").append(silent.size() == 1 ? "is" : "are")
          .append(" silent (offline, asleep, suspect or not heard from since a restart)");
      Optional<MachineStatus> longest = silent.stream().filter(s -> s.lastHeartbeat().isPresent())
          .min(Comparator.comparing(s -> s.lastHeartbeat().get()));
      longest.ifPresent(s -> why.append(", the longest '").append(s.id()).append("', ")
          .append(s.health().word()).append(" and last heard at ").append(s.lastHeartbeat().map(Instant::toString)
              .orElseThrow()));
      why.append(". ");
    }
    why.append("To make room, remove machines (`fleet rm MACHINE`, or DELETE /v1/machines/{id}); ");
    Optional<Duration> neverHeard = fleet.monitor().pruneNeverHeardAfter();
    Optional<Duration> offline = fleet.monitor().pruneOfflineAfter();
    if (neverHeard.isEmpty() && offline.isEmpty()) {
      why.append("or have the fleet prune silent machines, which it does not now (`fleet coordinator "
          + "--prune-never-heard-after` and `--prune-offline-after`, FleetBuilder.pruneNeverHeardAfter and "
          + "pruneOfflineAfter)");
    } else {
      why.append("the fleet prunes ");
      neverHeard.ifPresent(d -> why.append("machines never heard from ").append(human(d))
          .append(" after joining (--prune-never-heard-after)"));
      if (neverHeard.isPresent() && offline.isPresent()) {
        why.append(" and ");
      }
      offline.ifPresent(d -> why.append("machines silent for ").append(human(d)).append(" (--prune-offline-after)"));
      if (neverHeard.isEmpty() || offline.isEmpty()) {
        why.append("; the other rule is off");
      }
    }
    why.append("; or allow more machines (`fleet coordinator --max-machines N`, HttpCoordinatorBuilder.maxMachines)");
    return Problem.conflict("fleet-full", why.toString());
  }

  private static String human(Duration d) {
    long s = d.getSeconds();
    if (s >= 86_400 && s % 86_400 == 0) {
      return (s / 86_400) + "d";
    }
    if (s >= 3_600 && s % 3_600 == 0) {
      return (s / 3_600) + "h";
    }
    if (s >= 60 && s % 60 == 0) {
      return (s / 60) + "m";
    }
    return d.getNano() == 0 ? s + "s" : d.toMillis() + "ms";
  }
}
