package dev.fleet.core.internal;

import dev.fleet.Attempt;
import dev.fleet.Explanation;
import dev.fleet.Health;
import dev.fleet.TaskState;
import dev.fleet.core.internal.facts.Fact;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import dev.fleet.MachineId;
import dev.fleet.core.internal.facts.Recovered;

/**
 * Rebuilds the rooms from what a journal replay recovered, in one pass: machines in registration order (not
 * heard from yet, so {@link Health#UNKNOWN}, or still asleep), finished tasks for status queries, then every
 * unfinished task where the journal says it is.
 *
 * <p>Runs under the fleet's lock, before the fleet serves anything.
 */
final class JournalReplay {
  private JournalReplay() {}

  static void install(Recovered r, Machines machines, Liveness liveness, Ledger ledger, TimeBridge time, long now) {
    for (Recovered.MachineFacts m : r.machines.values()) {
      // A machine that said it left is away until heard from; it has no work to wait for it.
      Health health = m.departedAtWall >= 0 ? Health.OFFLINE : m.asleepSinceWall >= 0 ? Health.ASLEEP
          : Health.UNKNOWN;
      MachineSlot slot = machines.restore(m.machine, health, now, liveness.newMonitor(now));
      // Its agent's next heartbeat continues its numbering; one numbered 0 is a new run of the agent, which
      // knows nothing of the attempts on record here, so they move.
      slot.lastSequence = 0;
      slot.drainRequested = m.drainRequested;
      slot.drainForShutdown = m.drainForShutdown;
      slot.drainDeadlineNanos = time.nanos(m.drainDeadlineWall);
      if (health == Health.ASLEEP) {
        slot.asleepSinceNanos = time.nanos(m.asleepSinceWall);
        slot.asleepSinceMillis = m.asleepSinceWall;
      }
      slot.departedAtMillis = m.departedAtWall;
      liveness.restored(slot, health, now);
    }
    for (Recovered.TaskFacts t : r.finished.values()) {
      TaskRecord rec = record(t, ledger.replayed(t.task, time.nanos(t.submittedWall), null), machines, time, now);
      rec.why = Explanation.of(t.why == null ? t.state.name().toLowerCase(Locale.ROOT) : t.why);
      ledger.reinstate(rec, now);
    }
    for (Recovered.TaskFacts t : r.live.values()) {
      LoadIndex where = machines.forSet(t.task.requires());
      TaskRecord rec = record(t, ledger.replayed(t.task, time.nanos(t.submittedWall), where), machines, time, now);
      rec.excluded = t.excluded == null ? null : machines.find(t.excluded);
      if (t.state == TaskState.QUEUED) {
        rec.delayed = t.notBeforeWall > 0;
        rec.notBeforeNanos = rec.delayed ? time.nanos(t.notBeforeWall) : 0;
        rec.why = Explanation.of((t.why == null ? "waiting" : t.why)
            + (rec.delayed ? "; waiting out its reschedule delay" : ""));
      } else if (t.state == TaskState.PAUSED) {
        rec.pausedFrom = t.pausedFrom;
        rec.pausedAtNanos = time.nanos(t.pausedAtWall);
        rec.why = Explanation.of("paused on " + rec.machine.id() + ", attempt " + rec.attempt);
      }
      ledger.reinstate(rec, now);
    }
  }

  /** A fresh record filled in with what the journal says of the task; the ledger then takes it in. */
  private static TaskRecord record(Recovered.TaskFacts t, TaskRecord rec, Machines machines, TimeBridge time,
      long now) {
    rec.state = t.state;
    rec.machine = slotOf(machines, t.machine, now);
    rec.token = t.token;
    rec.lost = t.lost;
    rec.chosenLoad = t.chosenLoad;
    rec.ceiling = t.ceiling;
    rec.note = t.note;
    rec.result = t.result;
    List<Attempt> attempts = new ArrayList<>(t.history.size());
    for (Fact.AttemptImage a : t.history) {
      attempts.add(new Attempt(a.number(), a.machine(), time.nanos(a.atWall()), a.ending()));
    }
    rec.restoreHistory(attempts);
    return rec;
  }

  /** Hands every attempt in flight to the transport again, so its machine can be told; under the lock. */
  static void redeliver(Ledger ledger, dev.fleet.spi.Transport transport, EventBus events) {
    if (transport == null) {
      return;
    }
    for (TaskRecord r : ledger.liveInOrder()) {
      if (r.state == TaskState.DISPATCHED || r.state == TaskState.RUNNING || r.state == TaskState.PAUSED) {
        dev.fleet.Assignment a = new dev.fleet.Assignment(r.task, r.machine.id(), r.attempt, r.token);
        events.post(() -> transport.deliver(a));
        if (r.state == TaskState.PAUSED) {
          events.post(() -> transport.pause(a, "paused before the fleet restarted"));
        }
      }
    }
  }

  private static MachineSlot slotOf(Machines machines, MachineId id, long now) {
    if (id == null) {
      return null;
    }
    MachineSlot slot = machines.find(id);
    return slot != null ? slot : Machines.departed(id, now);
  }
}
