package dev.fleet.core.internal;

import dev.fleet.Priority;
import java.util.Locale;

/**
 * Says why a machine that is online takes no more work, for explanations: its slots are all in use, its
 * owner's own work (the load its agent reports) is at the ceiling, or the work Fleet sent it is. The owner
 * cannot tell these apart from a bare "load 0.93 >= 0.80", and only the first two are theirs to change.
 *
 * <p>Stateless; called under the fleet's lock while a waiting task is explained.
 */
final class BusyWords {
  private BusyWords() {}

  /** E.g. {@code "slots full: 1 of 1 in use"}. */
  static String slotsFull(MachineSlot m) {
    return "slots full: " + m.activeTasks + " of " + m.slots + " in use";
  }

  /** Whether the load its agent reports is at the ceiling by itself, before anything Fleet reserved there. */
  static boolean reportedAtCeiling(MachineSlot m, double ceiling) {
    return m.reportedMicros >= MachineSlot.micros(ceiling);
  }

  /**
   * Why a machine at the ceiling is, e.g. {@code "busy with its own work: load 0.93 reported by its agent
   * (Fleet's tasks there: 0 of 2 slots) is at or over the ceiling 0.80; the task waits until it drops"}, or
   * {@code "busy with Fleet's work: load 0.85 >= 0.80, of which 0.50 is reserved for 2 tasks Fleet sent there
   * until its agent reports them (2 of 4 slots in use)"}.
   */
  static String atCeiling(MachineSlot m, double ceiling) {
    if (reportedAtCeiling(m, ceiling)) {
      if (m.activeTasks == 0) {
        return "busy with its own work: load " + two(m.reportedLoad) + " reported by its agent (Fleet's tasks "
            + "there: " + (m.slots > 0 ? "0 of " + m.slots + " slots" : "none") + ") is at or over the ceiling "
            + two(ceiling) + "; the task waits until it drops";
      }
      return "busy: load " + two(m.reportedLoad) + " reported by its agent, Fleet's " + m.activeTasks
          + (m.activeTasks == 1 ? " task" : " tasks") + " there" + inUse(m, " (", ")") + " included, is at or over"
          + " the ceiling " + two(ceiling);
    }
    String load = "load " + two(m.placementLoad()) + " >= " + two(ceiling);
    if (m.reportedMicros + m.reservedMicros >= MachineSlot.micros(ceiling)) { // the reported load alone is not
      return "busy with Fleet's work: " + load + ", of which " + two(m.reservedMicros / 1e6) + " is reserved for "
          + m.reservations + (m.reservations == 1 ? " task" : " tasks") + " Fleet sent there until its agent reports"
          + (m.reservations == 1 ? " it" : " them") + inUse(m, " (", ")");
    }
    return load + " while throttling for heat (" + two(m.reportedLoad) + " reported by its agent)";
  }

  /**
   * What an owner can do about machines busy with their own work, e.g. {@code "m1 is busy with its own work, not
   * Fleet's: to run tasks there anyway, raise the ceiling (FleetBuilder.loadCeiling, `fleet coordinator
   * --load-ceiling`) or run its agent with --no-probes"}.
   */
  static String ownWorkRemedy(java.util.List<MachineSlot> own, Priority priority) {
    String how = priority == Priority.URGENT
        ? "FleetBuilder.urgentLoadCeiling, `fleet coordinator --urgent-ceiling`"
        : "FleetBuilder.loadCeiling, `fleet coordinator --load-ceiling`";
    boolean one = own.size() == 1;
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < Math.min(3, own.size()); i++) {
      names.append(i == 0 ? "" : " and ").append(own.get(i).id());
    }
    return names + (own.size() > 3 ? " and " + (own.size() - 3) + " more" : "")
        + (one ? " is busy with its own work" : " are busy with their own work")
        + ", not Fleet's: to run tasks there anyway, raise the ceiling (" + how + ") or run "
        + (one ? "its agent" : "their agents") + " with --no-probes";
  }

  /** E.g. {@code " (2 of 4 slots in use)"}, or nothing on a machine without slots. */
  private static String inUse(MachineSlot m, String before, String after) {
    return m.slots > 0 ? before + m.activeTasks + " of " + m.slots + " slots in use" + after : "";
  }

  private static String two(double load) {
    return String.format(Locale.ROOT, "%.2f", load);
  }
}
