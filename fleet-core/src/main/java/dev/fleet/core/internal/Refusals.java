package dev.fleet.core.internal;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.TaskId;
import dev.fleet.TaskState;
import dev.fleet.UnknownTaskException;
import java.util.Locale;

/**
 * The checks an operation passes before it changes anything: labels Fleet reads must parse, and a task may only
 * be moved by hand to a machine that could take it. Each throws with a message naming the bad value.
 *
 * <p>Reads the rooms' state; call under the fleet's lock. Stateless.
 */
final class Refusals {
  private Refusals() {}

  /** Labels Fleet reads must parse before anything is stored, so a typo is an error and not a silent rule. */
  static void labels(Machine m) {
    String q = m.labels().get(PlacementPolicies.LABEL_QUIET_HOURS);
    if (q != null) {
      PlacementPolicies.parseWindow(q);
    }
    PlacementPolicies.zone(m.labels().get(PlacementPolicies.LABEL_TIME_ZONE));
  }

  /**
   * The live task to move by hand; refused if it is unknown or finished.
   *
   * @throws UnknownTaskException if the fleet never had it or has forgotten it
   * @throws IllegalStateException if it has finished
   */
  static TaskRecord movable(Ledger ledger, TaskId id) {
    TaskRecord rec = ledger.live(id);
    if (rec != null) {
      return rec;
    }
    TaskRecord done = ledger.finished(id);
    if (done == null) {
      throw new UnknownTaskException(id);
    }
    throw new IllegalStateException("cannot move task '" + id + "': it is already "
        + done.state.name().toLowerCase(Locale.ROOT));
  }

  /** @throws IllegalStateException unless {@code target} is online and has what the task requires */
  static void canTake(MachineSlot target, TaskRecord rec) {
    if (target.health != Health.ONLINE) {
      throw new IllegalStateException("cannot move task '" + rec.task.id() + "' to " + target.id() + ": it is "
          + target.health.word());
    }
    if (!target.memberOf(rec.index)) {
      String missing = rec.task.requires().stream().filter(c -> !target.machine.can(c)).findFirst().orElse("?");
      throw new IllegalStateException("cannot move task '" + rec.task.id() + "' to " + target.id() + ": it lacks '"
          + missing + "'");
    }
  }

  /** @throws IllegalStateException if every slot of {@code target} is in use */
  static void hasFreeSlot(MachineSlot target, TaskRecord rec) {
    if (target.full()) {
      throw new IllegalStateException("cannot move task '" + rec.task.id() + "' to " + target.id()
          + ": its slots are full (" + target.activeTasks + " of " + target.slots + " in use)");
    }
  }
}
