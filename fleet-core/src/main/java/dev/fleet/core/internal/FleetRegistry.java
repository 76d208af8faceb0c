package dev.fleet.core.internal;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Registry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet's {@link Registry}: registration, updates, drains and reads of its machines.
 *
 * <p>Each method is one operation of the fleet's: it takes the fleet's one lock through {@link FleetCore},
 * has the rooms record what happened, and leaves through the fleet's exit, which matches the queue and waits
 * for the journal. Thread-safe.
 */
final class FleetRegistry implements Registry {
  private final FleetCore core;
  private final FleetConfig config;
  private final Openings openings;
  private final Machines machines;
  private final Liveness liveness;
  private final Matchmaker matchmaker;
  private final FleetLog log;

  FleetRegistry(FleetCore core) {
    this.core = core;
    this.config = core.config;
    this.openings = core.openings;
    this.machines = core.machines;
    this.liveness = core.liveness;
    this.matchmaker = core.matchmaker;
    this.log = core.log;
  }

  private void enter() {
    core.enter();
  }

  private void exit() {
    core.exit();
  }

  @Override
  public MachineStatus register(Machine machine) {
    return register(machine, Health.ONLINE, 0.0);
  }

  @Override
  public MachineStatus register(Machine machine, Health health, double load) {
    checkRegistration(machine, health, load);
    enter();
    try {
      long now = config.clocks().ticker().read();
      machines.requireAbsent(machine.id());
      MachineSlot slot = machines.add(machine, health, load, now, liveness.newMonitor(now));
      liveness.joined(slot, health, now);
      openings.roomOn(slot);
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus register(Machine machine, Health health, double load, Optional<Instant> lastHeard) {
    Objects.requireNonNull(lastHeard, "lastHeard");
    checkRegistration(machine, health, load);
    long millis = lastHeard.map(t -> epochMillis(machine, t)).orElse(MachineSlot.NEVER_HEARD);
    enter();
    try {
      long now = config.clocks().ticker().read();
      machines.requireAbsent(machine.id());
      long heardMillis = MachineSlot.NEVER_HEARD;
      long heardNanos = now;
      if (millis != MachineSlot.NEVER_HEARD) {
        // Through the wall clock, the only clock the time was written in; never later than now.
        heardNanos = Math.min(now, core.time.nanos(millis));
        heardMillis = heardNanos == now ? Math.min(millis, core.time.wall(now)) : millis;
      }
      MachineSlot slot = machines.add(machine, health, load, now, liveness.newMonitor(heardNanos));
      liveness.joinedLastHeard(slot, health, heardNanos, heardMillis, now);
      openings.roomOn(slot);
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public void check(Machine machine) {
    Objects.requireNonNull(machine, "machine");
    Refusals.labels(machine); // reads no state, so needs no lock
  }

  private static long epochMillis(Machine machine, Instant lastHeard) {
    try {
      long millis = lastHeard.toEpochMilli();
      if (millis != MachineSlot.NEVER_HEARD) {
        return millis;
      }
    } catch (ArithmeticException e) {
      // Reported below with the value.
    }
    throw new IllegalArgumentException("lastHeard of " + machine.id() + " is out of range, got " + lastHeard);
  }

  private static void checkRegistration(Machine machine, Health health, double load) {
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(health, "health");
    if (health == Health.LEFT || health == Health.UNKNOWN) {
      throw new IllegalArgumentException("cannot register " + machine.id() + " as " + health.word());
    }
    if (!(load >= 0) || Double.isInfinite(load)) {
      throw new IllegalArgumentException("load of " + machine.id() + " must be a finite number >= 0, got " + load);
    }
    Refusals.labels(machine);
  }

  @Override
  public MachineStatus update(Machine machine) {
    Objects.requireNonNull(machine, "machine");
    Refusals.labels(machine);
    enter();
    try {
      MachineSlot slot = machines.slot(machine.id());
      machines.update(slot, machine);
      log.reregistered(machine);
      // A new role or backup can change where waiting work of any capability set belongs.
      openings.everywhere();
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus drain(MachineId id) {
    return drain(id, null, false);
  }

  @Override
  public MachineStatus drain(MachineId id, Duration deadline) {
    return drain(id, Objects.requireNonNull(deadline, "deadline"), false);
  }

  @Override
  public MachineStatus drainForShutdown(MachineId id, Duration deadline) {
    return drain(id, Objects.requireNonNull(deadline, "deadline"), true);
  }

  private MachineStatus drain(MachineId id, Duration deadline, boolean forShutdown) {
    if (deadline != null && deadline.isNegative()) {
      throw new IllegalArgumentException("drain deadline must not be negative, got " + deadline);
    }
    enter();
    try {
      MachineSlot slot = machines.slot(id);
      liveness.drain(slot, deadline, forShutdown, config.clocks().ticker().read());
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public MachineStatus undrain(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.slot(id);
      liveness.undrain(slot, config.clocks().ticker().read());
      matchmaker.match();
      return slot.snapshot();
    } finally {
      exit();
    }
  }

  @Override
  public boolean deregister(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.remove(id);
      if (slot == null) {
        return false;
      }
      long now = config.clocks().ticker().read();
      liveness.left(slot, now);
      liveness.moveWorkOf(slot, id + " left the fleet", now);
      machines.removed(slot);
      matchmaker.match();
      return true;
    } finally {
      exit();
    }
  }

  @Override
  public Optional<MachineStatus> get(MachineId id) {
    enter();
    try {
      MachineSlot slot = machines.find(id);
      return slot == null ? Optional.empty() : Optional.of(slot.snapshot());
    } finally {
      exit();
    }
  }

  @Override
  public List<MachineStatus> list() {
    enter();
    try {
      List<MachineStatus> out = new ArrayList<>(machines.size());
      for (MachineSlot s : machines.all()) {
        out.add(s.snapshot());
      }
      return out;
    } finally {
      exit();
    }
  }

  @Override
  public int size() {
    enter();
    try {
      return machines.size();
    } finally {
      exit();
    }
  }
}
