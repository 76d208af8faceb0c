package dev.fleet.core.internal;

import dev.fleet.MachineId;
import dev.fleet.core.internal.facts.Fact;
import dev.fleet.core.internal.facts.FactCodec;
import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import java.time.InstantSource;

/**
 * Turns each durable change of the engine into a {@link Fact} and appends it to the journal, converting ticker
 * times to wall-clock times on the way (a restarted process has a different ticker).
 *
 * <p>Called under the fleet's lock. An append that fails is remembered rather than thrown into the middle of
 * an operation: the operation's {@link Journal#sync} then throws, so nothing it did is acknowledged.
 */
final class JournalingChanges implements Changes {
  private final Journal journal;
  private final TimeBridge time;
  private final InstantSource wallClock;

  private final EventBus events;

  JournalingChanges(Journal journal, TimeBridge time, InstantSource wallClock, EventBus events) {
    this.journal = journal;
    this.time = time;
    this.wallClock = wallClock;
    this.events = events;
  }

  /** The position of the last record this fleet appended: what an operation must sync before it answers. */
  long lastPosition;

  void put(Fact fact) {
    try {
      lastPosition = journal.append(FactCodec.encode(fact));
      events.gate(lastPosition);
    } catch (JournalException e) {
      // The journal is fail-stop and remembers why; the operation's sync reports it to the caller. Nothing posted
      // from now on may be delivered: it may depend on this record, which no journal holds.
      failed = e;
      events.gate(Long.MAX_VALUE);
    }
  }

  /** Why an append failed, or null: the operation that saw it must not answer as if its change were kept. */
  JournalException failed;

  private long wall(long nanos) {
    return time.wall(nanos);
  }

  @Override
  public void machineRegistered(MachineSlot slot) {
    put(new Fact.Joined(slot.machine));
    if (slot.drainRequested) {
      drainChanged(slot);
    }
  }

  @Override
  public void machineUpdated(MachineSlot slot) {
    put(new Fact.Updated(slot.machine));
  }

  @Override
  public void machineRemoved(MachineId id) {
    put(new Fact.Left(id));
  }

  @Override
  public void drainChanged(MachineSlot slot) {
    put(new Fact.Drain(slot.id(), slot.drainRequested, wall(slot.drainDeadlineNanos), slot.drainForShutdown));
  }

  @Override
  public void asleep(MachineSlot slot) {
    put(new Fact.Asleep(slot.id(), wall(slot.asleepSinceNanos)));
  }

  @Override
  public void departed(MachineSlot slot) {
    put(new Fact.Departed(slot.id(), slot.departedAtMillis));
  }

  @Override
  public void returned(MachineSlot slot) {
    put(new Fact.Returned(slot.id()));
  }

  @Override
  public void submitted(TaskRecord rec) {
    put(new Fact.Submitted(rec.task, wall(rec.submittedNanos)));
  }

  @Override
  public void assigned(TaskRecord rec) {
    var history = rec.history();
    String previous = history.size() < 2 ? null : history.get(history.size() - 2).ending();
    put(new Fact.Assigned(rec.task.id(), rec.machine.id(), rec.attempt, rec.token, wallClock.millis(),
        rec.chosenLoad, rec.ceiling, rec.note, previous == null || previous.isEmpty() ? null : previous));
  }

  @Override
  public void started(TaskRecord rec) {
    put(new Fact.Started(rec.task.id()));
  }

  @Override
  public void requeued(TaskRecord rec, String reason) {
    put(new Fact.Requeued(rec.task.id(), reason, rec.lost, rec.excluded == null ? null : rec.excluded.id(),
        rec.delayed ? wall(rec.notBeforeNanos) : 0));
  }

  @Override
  public void paused(TaskRecord rec) {
    put(new Fact.Paused(rec.task.id(), wall(rec.pausedAtNanos)));
  }

  @Override
  public void resumed(TaskRecord rec) {
    put(new Fact.Resumed(rec.task.id()));
  }

  @Override
  public void finished(TaskRecord rec) {
    var history = rec.history();
    String ending = history.isEmpty() ? null : history.get(history.size() - 1).ending();
    put(new Fact.Finished(rec.task.id(), rec.state, rec.result, rec.why == null ? "" : rec.why.summary(),
        ending == null || ending.isEmpty() ? null : ending));
  }
}
