package dev.fleet.core.internal;

import dev.fleet.Priority;
import dev.fleet.Reason;
import dev.fleet.Signals;
import dev.fleet.Task;
import dev.fleet.Weight;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The personal-mesh policies, as filters with reason codes: heavy work avoids machines on battery (with
 * hysteresis) and machines throttling for heat; background work runs only where the owner is away or in
 * the machine's quiet hours; a throttled machine counts as less capacity.
 *
 * <p>Only heavy and background tasks are filtered, so the common path pays nothing. Immutable and
 * thread-safe; the per-machine state it reads lives in {@link MachineSlot} under the fleet's lock.
 */
final class PlacementPolicies {
  /** The label giving a machine's quiet hours, e.g. {@code 22:00-07:00}. */
  static final String LABEL_QUIET_HOURS = "quiet-hours";
  /** The label giving a machine's time zone, e.g. {@code Europe/Paris}; UTC when absent. */
  static final String LABEL_TIME_ZONE = "timezone";
  /** The metric a probe reports for current over maximum clock, in (0, 1]. */
  static final String METRIC_CLOCK_RATIO = "cpu.clock_ratio";

  final int batteryStopBelow;
  final int batteryResumeAt;
  final Duration ownerAway;

  PlacementPolicies(int batteryStopBelow, int batteryResumeAt, Duration ownerAway) {
    this.batteryStopBelow = batteryStopBelow;
    this.batteryResumeAt = batteryResumeAt;
    this.ownerAway = ownerAway;
  }

  /** Whether the task is one the policies look at at all. */
  static boolean applies(Task task) {
    return task.weight() == Weight.HEAVY || task.priority() == Priority.BACKGROUND;
  }

  /**
   * Updates a machine's heavy-work permission from its power signals, with hysteresis: it stops on battery
   * or below the stop charge, and resumes only on mains power at or above the resume charge.
   *
   * @return whether the permission changed
   */
  boolean updatePower(MachineSlot m) {
    Signals s = m.signals;
    boolean paused = m.heavyPaused;
    int charge = s.batteryPercent().orElse(100);
    if (!paused && (s.onBattery() || charge < batteryStopBelow)) {
      paused = true;
    } else if (paused && !s.onBattery() && charge >= batteryResumeAt) {
      paused = false;
    }
    boolean changed = paused != m.heavyPaused;
    m.heavyPaused = paused;
    return changed;
  }

  /** Why the machine may not take this task under the policies, or null if it may. */
  Reason veto(Task task, MachineSlot m, long wallMillis) {
    if (task.weight() == Weight.HEAVY) {
      if (m.heavyPaused) {
        return Reason.ON_BATTERY;
      }
      if (m.signals.throttled()) {
        return Reason.THROTTLED;
      }
    }
    if (task.priority() == Priority.BACKGROUND && !ownerAway(m, wallMillis)) {
      return Reason.OWNER_ACTIVE;
    }
    return null;
  }

  /** What a person reads for a veto, e.g. {@code "on battery (23%)"}. */
  String detail(Reason r, MachineSlot m) {
    return switch (r) {
      case ON_BATTERY -> m.signals.onBattery()
          ? "on battery" + m.signals.batteryPercent().stream().mapToObj(p -> " (" + p + "%)").findFirst().orElse("")
          : "charging, at " + m.signals.batteryPercent().orElse(0) + "% < " + batteryResumeAt + "% needed for heavy work";
      case THROTTLED -> "throttling for heat";
      case OWNER_ACTIVE -> "owner active" + m.signals.ownerIdle().map(d -> " (idle " + RulesPage.time(d) + ")")
          .orElse("") + quietHours(m).map(q -> ", outside quiet hours " + q).orElse("");
      case THIN_CLIENT -> "thin client (role interface)";
      default -> r.name().toLowerCase(Locale.ROOT);
    };
  }

  /** What would lift a veto, for the explanation's unblockers. */
  String unblocker(Reason r, MachineSlot m) {
    return switch (r) {
      case ON_BATTERY -> "runs when " + m.id() + " is on AC power" + (batteryResumeAt > 0
          ? " with at least " + batteryResumeAt + "% charge" : "");
      case THROTTLED -> "runs when " + m.id() + " stops throttling";
      case OWNER_ACTIVE -> "runs when " + ownerAwayCondition(m);
      default -> "runs when " + m.id() + " fits";
    };
  }

  /** When background work may run there, e.g. {@code "the owner of desk has been away 10min or in its quiet hours 22:00-07:00"}. */
  String ownerAwayCondition(MachineSlot m) {
    return "the owner of " + m.id() + " has been away " + RulesPage.time(ownerAway)
        + quietHours(m).map(q -> " or in its quiet hours " + q).orElse("");
  }

  /**
   * Why background work may run there now, for a machine where {@link #ownerAway} holds, e.g.
   * {@code "the owner of desk has been away 12min"} or {@code "desk is in its quiet hours 22:00-07:00"}.
   */
  String awayReason(MachineSlot m, long wallMillis) {
    var idle = m.signals.ownerIdle();
    if (idle.isEmpty()) {
      return m.id() + " no longer reports its owner's activity";
    }
    if (idle.get().compareTo(ownerAway) >= 0) {
      return "the owner of " + m.id() + " has been away " + roughly(idle.get());
    }
    return m.id() + " is in its quiet hours " + quietHours(m).orElse("");
  }

  /** A duration as a person says it: whole minutes from a minute on ({@code 12min}), else whole seconds. */
  static String roughly(Duration d) {
    return RulesPage.time(d.toMinutes() > 0 ? Duration.ofMinutes(d.toMinutes()) : Duration.ofSeconds(d.toSeconds()));
  }

  /** A wall-clock time as a person at the machine reads it: HH:mm in its {@code timezone} label (UTC without one). */
  static String clock(MachineSlot m, long wallMillis) {
    return java.time.format.DateTimeFormatter.ofPattern("HH:mm")
        .format(Instant.ofEpochMilli(wallMillis).atZone(zone(m.machine.labels().get(LABEL_TIME_ZONE))));
  }

  /** Background work may run: the owner has been away long enough (or there is no owner signal) or it is quiet time. */
  boolean ownerAway(MachineSlot m, long wallMillis) {
    var idle = m.signals.ownerIdle();
    if (idle.isEmpty() || idle.get().compareTo(ownerAway) >= 0) {
      return true;
    }
    return inQuietHours(m, wallMillis);
  }

  private static java.util.Optional<String> quietHours(MachineSlot m) {
    return java.util.Optional.ofNullable(m.machine.labels().get(LABEL_QUIET_HOURS));
  }

  static boolean inQuietHours(MachineSlot m, long wallMillis) {
    String window = m.machine.labels().get(LABEL_QUIET_HOURS);
    if (window == null) {
      return false;
    }
    LocalTime[] w = parseWindow(window);
    ZoneId zone = zone(m.machine.labels().get(LABEL_TIME_ZONE));
    LocalTime now = Instant.ofEpochMilli(wallMillis).atZone(zone).toLocalTime();
    return w[0].isBefore(w[1]) || w[0].equals(w[1])
        ? !now.isBefore(w[0]) && now.isBefore(w[1])
        : !now.isBefore(w[0]) || now.isBefore(w[1]); // wraps past midnight
  }

  /** Parses {@code HH:mm-HH:mm}. */
  static LocalTime[] parseWindow(String window) {
    String[] parts = window.split("-");
    try {
      if (parts.length == 2) {
        return new LocalTime[] {LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim())};
      }
    } catch (DateTimeParseException e) {
      // fall through to the error below, which names the label
    }
    throw new IllegalArgumentException("label " + LABEL_QUIET_HOURS + " '" + window + "' is not a window such as 22:00-07:00");
  }

  static ZoneId zone(String id) {
    if (id == null) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(id);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("label " + LABEL_TIME_ZONE + " '" + id + "' is not a time zone such as Europe/Paris");
    }
  }

  /** The load to place by: a throttled machine at 80% clock counts its load as 1/0.8 of itself. */
  static double capacityScaled(double load, Signals s) {
    if (!s.throttled()) {
      return load;
    }
    Double ratio = s.metrics().get(METRIC_CLOCK_RATIO);
    return ratio != null && ratio > 0 && ratio < 1 ? load / ratio : load;
  }
}
