package dev.fleet.core.internal;

import dev.fleet.Attempt;
import dev.fleet.Health;
import dev.fleet.core.internal.facts.Fact;
import dev.fleet.core.internal.facts.FactCodec;
import dev.fleet.spi.DurablePart;
import java.util.ArrayList;
import java.util.List;

/**
 * The records that recreate a fleet's durable state from nothing: what a snapshot and a backup hold. Machines
 * in registration order, finished tasks in the order they finished, then unfinished tasks in submission order
 * (which is their queue order), then each durable part's own records.
 *
 * <p>Built under the fleet's lock; the list it returns is the caller's.
 */
final class FleetImage {
  private FleetImage() {}

  static List<byte[]> records(Iterable<MachineSlot> machines, Iterable<TaskRecord> finished,
      List<TaskRecord> liveBySequence, List<DurablePart> parts, TimeBridge clock) {
    List<byte[]> out = new ArrayList<>();
    for (MachineSlot s : machines) {
      out.add(FactCodec.encode(new Fact.Joined(s.machine)));
      if (s.drainRequested) {
        out.add(FactCodec.encode(new Fact.Drain(s.id(), true, clock.wall(s.drainDeadlineNanos), s.drainForShutdown)));
      }
      if (s.health == Health.ASLEEP) {
        out.add(FactCodec.encode(new Fact.Asleep(s.id(), clock.wall(s.asleepSinceNanos))));
      }
      if (s.departedAtMillis >= 0) {
        out.add(FactCodec.encode(new Fact.Departed(s.id(), s.departedAtMillis)));
      }
    }
    for (TaskRecord r : finished) {
      if (r.state != dev.fleet.TaskState.REJECTED) {
        out.add(FactCodec.encode(image(r, clock)));
      }
    }
    for (TaskRecord r : liveBySequence) {
      out.add(FactCodec.encode(image(r, clock)));
    }
    for (DurablePart p : parts) {
      p.snapshot(record -> out.add(FactCodec.encode(new Fact.Part(p.name(), record.clone()))));
    }
    return out;
  }

  static Fact.TaskImage image(TaskRecord r, TimeBridge clock) {
    List<Fact.AttemptImage> history = new ArrayList<>(r.history().size());
    for (Attempt a : r.history()) {
      history.add(new Fact.AttemptImage(a.number(), a.machine(), clock.wall(a.dispatchedAtNanos()), a.ending()));
    }
    boolean paused = r.state == dev.fleet.TaskState.PAUSED;
    String why = r.why == null ? null : r.why.summary();
    return new Fact.TaskImage(r.task, clock.wall(r.submittedNanos), r.state, paused ? r.pausedFrom : null,
        paused ? clock.wall(r.pausedAtNanos) : 0, r.lost, r.machine == null ? null : r.machine.id(),
        r.excluded == null ? null : r.excluded.id(), r.token, r.delayed ? clock.wall(r.notBeforeNanos) : 0,
        r.chosenLoad, r.ceiling, r.note, r.result, why, history);
  }
}
