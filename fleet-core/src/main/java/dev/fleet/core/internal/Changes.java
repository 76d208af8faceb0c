package dev.fleet.core.internal;

import dev.fleet.MachineId;

/**
 * Receives every durable change the machines room and the task ledger make, in the order they make them: the
 * journal writer turns each into a record. Liveness (health, loads, signals) is not a durable change; it is
 * re-learned from heartbeats within seconds.
 *
 * <p>Called under the fleet's lock, after the change is applied to the record passed in, so an implementation
 * reads the record's current fields. Must not block or throw.
 */
interface Changes {
  /** A machine joined; {@code slot} has its registration number and drain state. */
  void machineRegistered(MachineSlot slot);

  /** A machine's registration (role, capabilities, labels, specs) changed. */
  void machineUpdated(MachineSlot slot);

  /** A machine left the fleet; its work has already been requeued or dead-lettered. */
  void machineRemoved(MachineId id);

  /** A drain began or changed: {@code slot.drainRequested}, its deadline and whether it is for shutdown. */
  void drainChanged(MachineSlot slot);

  /** A machine announced it is going to sleep. */
  void asleep(MachineSlot slot);

  /** A machine said it left ({@code slot.departedAtMillis} is set); it stays registered, offline. */
  void departed(MachineSlot slot);

  /** A machine that had said it left was heard from again. */
  void returned(MachineSlot slot);

  /** A task was accepted (it is queued, or is about to be assigned); a rejected task is never accepted. */
  void submitted(TaskRecord rec);

  /** A task got a new attempt: {@code rec.attempt}, {@code rec.token} and {@code rec.machine} are set. */
  void assigned(TaskRecord rec);

  /** The current attempt reported that it started. */
  void started(TaskRecord rec);

  /**
   * The current attempt ended without a result and the task waits for another: {@code rec.lost},
   * {@code rec.excluded}, {@code rec.delayed} and {@code rec.notBeforeNanos} are set.
   */
  void requeued(TaskRecord rec, String reason);

  /** The current attempt paused on its machine. */
  void paused(TaskRecord rec);

  /** A paused attempt resumed. */
  void resumed(TaskRecord rec);

  /** The task ended: succeeded, failed, cancelled or dead-lettered, with {@code rec.result} and {@code rec.why}. */
  void finished(TaskRecord rec);

  /** Changes that go nowhere: a fleet without a journal. */
  Changes NONE = new Changes() {
    @Override public void machineRegistered(MachineSlot slot) {}
    @Override public void machineUpdated(MachineSlot slot) {}
    @Override public void machineRemoved(MachineId id) {}
    @Override public void drainChanged(MachineSlot slot) {}
    @Override public void asleep(MachineSlot slot) {}
    @Override public void departed(MachineSlot slot) {}
    @Override public void returned(MachineSlot slot) {}
    @Override public void submitted(TaskRecord rec) {}
    @Override public void assigned(TaskRecord rec) {}
    @Override public void started(TaskRecord rec) {}
    @Override public void requeued(TaskRecord rec, String reason) {}
    @Override public void paused(TaskRecord rec) {}
    @Override public void resumed(TaskRecord rec) {}
    @Override public void finished(TaskRecord rec) {}
  };
}
