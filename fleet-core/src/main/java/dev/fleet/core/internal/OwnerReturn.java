package dev.fleet.core.internal;

import dev.fleet.Explanation;
import dev.fleet.Health;
import dev.fleet.OwnerReturnPolicy;
import dev.fleet.Priority;
import dev.fleet.TaskState;
import java.time.Duration;
import java.util.List;

/**
 * Background work follows the owner of its machine: when the owner is back at the keyboard each running
 * background task leaves or, if its policy says so, pauses in place; when the owner is away again (or quiet
 * hours began) paused work resumes, and work paused longer than its policy allows moves.
 *
 * <p>Guarded by the fleet's lock. It decides; the {@link Ledger} makes the changes.
 */
final class OwnerReturn {
  private final FleetConfig config;
  private final Ledger ledger;
  private final Openings openings;
  private final SweepPacer pacer;
  private final PlacementPolicies policies;
  private final Explainer explainer;

  OwnerReturn(FleetConfig config, Ledger ledger, Openings openings, SweepPacer pacer, PlacementPolicies policies,
      Explainer explainer) {
    this.config = config;
    this.ledger = ledger;
    this.openings = openings;
    this.pacer = pacer;
    this.policies = policies;
    this.explainer = explainer;
  }

  /**
   * Pauses, moves or resumes the background work on {@code slot} as its owner's presence says.
   *
   * @return whether work moved off the machine (and waits in the queue now)
   */
  boolean follow(MachineSlot slot, long now) {
    // Most machines run no background work: they pay one scan of their tasks, not a wall-clock read.
    boolean running = false;
    boolean held = false;
    for (int i = 0; i < slot.tasks.size(); i++) {
      TaskRecord r = slot.tasks.get(i);
      if (r.state == TaskState.PAUSED) {
        held = true;
      } else if (r.task.priority() == Priority.BACKGROUND) {
        running = true;
      }
    }
    if (!running && !held) {
      return false;
    }
    long wall = config.clocks().wallClock().millis();
    if (policies.ownerAway(slot, wall)) {
      if (held && (slot.health == Health.ONLINE || slot.health == Health.DRAINING)) {
        String reason = policies.awayReason(slot, wall);
        for (int i = 0; i < slot.tasks.size(); i++) {
          TaskRecord r = slot.tasks.get(i);
          if (r.state == TaskState.PAUSED) {
            ledger.resume(r, reason, now);
          }
        }
      }
      return false;
    }
    if (!running) {
      return false;
    }
    boolean moved = false;
    for (TaskRecord r : List.copyOf(slot.tasks)) {
      if (r.task.priority() != Priority.BACKGROUND || r.state == TaskState.PAUSED) {
        continue;
      }
      if (r.task.onOwnerReturn().pauses()) {
        pause(r, now, wall);
      } else {
        ledger.requeue(r, "the owner of " + slot.id() + " returned", now, false);
        moved = true;
      }
    }
    return moved;
  }

  private void pause(TaskRecord r, long now, long wall) {
    MachineSlot slot = r.machine;
    Duration most = r.task.onOwnerReturn().pauseAtMost();
    boolean forever = most.equals(OwnerReturnPolicy.PAUSE_FOREVER);
    long idleMillis = slot.signals.ownerIdle().map(d -> Nanos.of(d) / 1_000_000L).orElse(0L);
    Explanation why = explainer.paused(slot, r.attempt, wall - idleMillis,
        forever ? -1 : Nanos.plus(wall, Nanos.of(most) / 1_000_000L));
    ledger.pause(r, why, "the owner of " + slot.id() + " returned", now);
    if (!forever) {
      // It must move when its pause runs out, whether or not anything else happens by then.
      pacer.noLaterThan(Nanos.plus(now, Nanos.of(most)), now);
    }
  }

  /**
   * The sweep's part: resumes paused work whose machine's owner is away again or whose quiet hours began, and
   * moves work paused longer than its policy allows; returns when the next pause runs out.
   */
  long resumeOrMovePaused(long now) {
    long wall = config.clocks().wallClock().millis();
    long next = Long.MAX_VALUE;
    boolean moved = false;
    for (TaskRecord r : ledger.pausedNow()) {
      MachineSlot s = r.machine;
      if ((s.health == Health.ONLINE || s.health == Health.DRAINING) && policies.ownerAway(s, wall)) {
        ledger.resume(r, policies.awayReason(s, wall), now);
        continue;
      }
      Duration most = r.task.onOwnerReturn().pauseAtMost();
      if (most.equals(OwnerReturnPolicy.PAUSE_FOREVER)) {
        continue;
      }
      long due = Nanos.plus(r.pausedAtNanos, Nanos.of(most));
      if (due <= now) {
        ledger.requeue(r, "paused on " + s.id() + " for " + RulesPage.time(most) + " while its owner was active",
            now, false);
        moved = true;
      } else {
        next = Math.min(next, due);
      }
    }
    if (moved) {
      // Moved work may fit anywhere its capabilities allow, as before the engine matched once per operation.
      openings.everywhere();
    }
    return next;
  }
}
