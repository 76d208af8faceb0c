package dev.fleet.core.internal;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.UnknownMachineException;
import dev.fleet.spi.FailureDetector;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * The registry: which machines belong to the fleet, what they are registered as, and the indexes that find
 * them by capability and role; the only writer of a machine's registration and drain request.
 *
 * <p>Guarded by the fleet's lock. Every durable change is passed to {@link Changes} after it is applied.
 */
final class Machines {
  private final LinkedHashMap<MachineId, MachineSlot> byId = new LinkedHashMap<>();
  private final CapabilityIndex index = new CapabilityIndex(byId.values());
  private final Placer placer;
  private final Changes changes;
  private long registrations;

  Machines(Placer placer, Changes changes) {
    this.placer = placer;
    this.changes = changes;
  }

  /** Adds a machine; a machine registered as draining keeps a drain request, so it comes back draining. */
  MachineSlot add(Machine machine, Health health, double load, long now, FailureDetector.Monitor monitor) {
    requireAbsent(machine.id());
    MachineSlot slot = new MachineSlot(machine, ++registrations, health, load, now);
    slot.drainRequested = health == Health.DRAINING;
    slot.monitor = monitor;
    byId.put(machine.id(), slot);
    index.add(slot);
    placer.joined(slot);
    changes.machineRegistered(slot);
    return slot;
  }

  /**
   * Puts back a machine the journal knows, in registration order, without recording a change (the journal
   * has it already). Its health says it has not been heard from since the restart.
   */
  MachineSlot restore(Machine machine, Health health, long now, FailureDetector.Monitor monitor) {
    requireAbsent(machine.id());
    MachineSlot slot = new MachineSlot(machine, ++registrations, health, 0.0, now);
    slot.monitor = monitor;
    byId.put(machine.id(), slot);
    index.add(slot);
    placer.joined(slot);
    return slot;
  }

  /**
   * A stand-in for a machine that has left, for a replayed task whose last attempt ran there: it names the
   * machine and is in no index.
   */
  static MachineSlot departed(MachineId id, long now) {
    return new MachineSlot(new Machine(id, "departed.invalid", "departed", java.util.Set.of(),
        dev.fleet.Specs.NONE, java.util.Map.of()), 0, Health.LEFT, 0.0, now);
  }

  /** Refuses an id already registered. */
  void requireAbsent(MachineId id) {
    if (byId.containsKey(id)) {
      throw new IllegalStateException("machine '" + id + "' is already registered; use update() to change it");
    }
  }

  /** Replaces a machine's registration, re-indexing it only if its capabilities changed. */
  void update(MachineSlot slot, Machine machine) {
    boolean capabilitiesChanged = !slot.machine.capabilities().equals(machine.capabilities());
    placer.left(slot);
    if (capabilitiesChanged) {
      index.remove(slot);
      slot.registeredAs(machine);
      index.add(slot);
    } else {
      slot.registeredAs(machine);
    }
    slot.rekey(); // its slots may have changed
    placer.joined(slot);
    changes.machineUpdated(slot);
  }

  /**
   * Takes a machine out of the registry and its indexes; null if it was not registered. Its work is still on
   * it: the caller moves it, then calls {@link #removed}.
   */
  MachineSlot remove(MachineId id) {
    MachineSlot slot = byId.remove(id);
    if (slot != null) {
      index.forget(slot);
      placer.left(slot);
    }
    return slot;
  }

  /** A removed machine's work has moved: its leaving is final. */
  void removed(MachineSlot slot) {
    changes.machineRemoved(slot.id());
  }

  /** Sets a machine's drain request; {@code deadlineNanos} is Long.MAX_VALUE for none. */
  void drain(MachineSlot slot, boolean requested, boolean forShutdown, long deadlineNanos) {
    slot.drainRequested = requested;
    slot.drainForShutdown = forShutdown;
    slot.drainDeadlineNanos = deadlineNanos;
    changes.drainChanged(slot);
  }

  /** The machine announced it goes to sleep (its health is already ASLEEP): a drain for shutdown is over. */
  void asleep(MachineSlot slot) {
    slot.drainForShutdown = false;
    changes.asleep(slot);
  }

  /** The machine said it left (its health is already OFFLINE): it is away, at {@code atMillis}, until heard from. */
  void departed(MachineSlot slot, long atMillis) {
    slot.departedAtMillis = atMillis;
    changes.departed(slot);
  }

  /** A machine that had said it left was heard from again. */
  void returned(MachineSlot slot) {
    slot.departedAtMillis = -1;
    changes.returned(slot);
  }

  /** The machine with this id. */
  MachineSlot slot(MachineId id) {
    MachineSlot slot = byId.get(Objects.requireNonNull(id, "machine id"));
    if (slot == null) {
      throw new UnknownMachineException(id);
    }
    return slot;
  }

  /** The machine with this id, or null. */
  MachineSlot find(MachineId id) {
    return byId.get(id);
  }

  /** Every machine in registration order; a live view, not to be changed. */
  Collection<MachineSlot> all() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }

  /** The index of the machines that have every capability in the set. */
  LoadIndex forSet(java.util.Set<String> capabilities) {
    return index.forSet(capabilities);
  }

  /** Records every set with waiting work, for a full re-evaluation of the queue. */
  void recordQueued(Openings openings) {
    index.recordQueued(openings);
  }

  /** Hands every capability set that has had a queue, with its queue, to {@code each}: for metrics. */
  void forEachQueue(java.util.function.BiConsumer<java.util.Set<String>, TaskQueue> each) {
    index.forEachQueue(each);
  }
}
