package dev.fleet.core.sim;

import dev.fleet.CapacityReport;
import dev.fleet.Dispatcher;
import dev.fleet.Fleet;
import dev.fleet.FleetListener;
import dev.fleet.Health;
import dev.fleet.HeartbeatMonitor;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.MachineStatus;
import dev.fleet.Registry;
import dev.fleet.Subscription;
import dev.fleet.testing.sim.FleetFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A real fleet under simulation, seen through a window that rewrites each machine as it registers (to take a
 * capability away, or give one a role) and asks the fleet for its capacity report (or anything else) just before
 * the simulator closes it. Not thread-safe, as the simulator runs on one thread.
 */
final class ReportingFleet implements Fleet {
  private final Fleet fleet;
  private final UnaryOperator<Machine> rewrite;
  private final java.util.function.Consumer<Fleet> beforeClose;

  private ReportingFleet(Fleet fleet, UnaryOperator<Machine> rewrite, java.util.function.Consumer<Fleet> beforeClose) {
    this.fleet = fleet;
    this.rewrite = rewrite;
    this.beforeClose = beforeClose;
  }

  /** A factory of such fleets around {@code inner}; the report lands in {@code report}. */
  static FleetFactory around(FleetFactory inner, UnaryOperator<Machine> rewrite, Duration window,
      AtomicReference<CapacityReport> report) {
    return around(inner, rewrite, f -> report.set(f.capacity(window)));
  }

  /** A factory of such fleets around {@code inner}, each handed to {@code beforeClose} before it closes. */
  static FleetFactory around(FleetFactory inner, UnaryOperator<Machine> rewrite,
      java.util.function.Consumer<Fleet> beforeClose) {
    return (t, s, tr, ex) -> new ReportingFleet(inner.create(t, s, tr, ex), rewrite, beforeClose);
  }

  @Override
  public Registry registry() {
    Registry r = fleet.registry();
    return new Registry() {
      @Override
      public MachineStatus register(Machine machine) {
        return r.register(rewrite.apply(machine));
      }

      @Override
      public MachineStatus register(Machine machine, Health health, double load) {
        return r.register(rewrite.apply(machine), health, load);
      }

      @Override
      public MachineStatus update(Machine machine) {
        return r.update(rewrite.apply(machine));
      }

      @Override
      public MachineStatus drain(MachineId id) {
        return r.drain(id);
      }

      @Override
      public MachineStatus drain(MachineId id, Duration deadline) {
        return r.drain(id, deadline);
      }

      @Override
      public MachineStatus drainForShutdown(MachineId id, Duration deadline) {
        return r.drainForShutdown(id, deadline);
      }

      @Override
      public MachineStatus undrain(MachineId id) {
        return r.undrain(id);
      }

      @Override
      public boolean deregister(MachineId id) {
        return r.deregister(id);
      }

      @Override
      public Optional<MachineStatus> get(MachineId id) {
        return r.get(id);
      }

      @Override
      public List<MachineStatus> list() {
        return r.list();
      }

      @Override
      public int size() {
        return r.size();
      }
    };
  }

  @Override
  public Dispatcher dispatcher() {
    return fleet.dispatcher();
  }

  @Override
  public HeartbeatMonitor monitor() {
    return fleet.monitor();
  }

  @Override
  public Subscription subscribe(FleetListener listener) {
    return fleet.subscribe(listener);
  }

  @Override
  public String describeRules() {
    return fleet.describeRules();
  }

  @Override
  public CapacityReport capacity(Duration w) {
    return fleet.capacity(w);
  }

  @Override
  public void close() {
    try {
      beforeClose.accept(fleet);
    } finally {
      fleet.close();
    }
  }
}
