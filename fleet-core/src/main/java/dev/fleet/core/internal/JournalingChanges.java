package dev.fleet.core.internal;

import dev.fleet.MachineId;
import dev.fleet.core.internal.facts.Fact;
import dev.fleet.core.internal.facts.FactCodec;
import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import dev.fleet.spi.Ticker;
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
  private final Ticker ticker;
  private final InstantSource wallClock;

  JournalingChanges(Journal journal, Ticker ticker, InstantSource wallClock) {
    this.journal = journal;
    this.ticker = ticker;
    this.wallClock = wallClock;
  }

  void put(Fact fact) {
    try {
      journal.append(FactCodec.encode(fact));
    } catch (JournalException e) {
      // The journal is fail-stop and remembers why; the operation's sync reports it to the caller.
    }
  }

  /** A ticker time as wall-clock milliseconds; {@code Long.MAX_VALUE} stays "never". */
  long wall(long nanos) {
    if (nanos == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return wallClock.millis() - Math.floorDiv(ticker.read() - nanos, 1_000_000L);
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
  public void submitted(TaskRecord rec) {
    put(new Fact.Submitted(rec.task, wall(rec.submittedNanos)));
  }

  @Override
  public void assigned(TaskRecord rec) {
    put(new Fact.Assigned(rec.task.id(), rec.machine.id(), rec.attempt, rec.token, wallClock.millis(),
        rec.chosenLoad, rec.ceiling, rec.note));
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
