package dev.fleet.core;

import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.Heartbeat;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A fleet on hand-driven time with events delivered synchronously and recorded. */
final class TestFleet implements AutoCloseable {
  final FakeTicker ticker = new FakeTicker();
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final List<FleetEvent> events = new CopyOnWriteArrayList<>();
  final Fleet fleet;
  private long sequence;

  TestFleet() {
    this(b -> {});
  }

  TestFleet(Consumer<FleetBuilder> config) {
    FleetBuilder b = Fleets.newBuilder().ticker(ticker).scheduler(scheduler).eventExecutor(Runnable::run)
        .listener(events::add);
    config.accept(b);
    fleet = b.build();
  }

  /** The seed's three machines at the seed's loads. */
  static TestFleet seed() {
    TestFleet t = new TestFleet();
    t.fleet.registry().register(machine("m3-forge", "primary", "inference", "code", "planning", "brain"));
    t.fleet.registry().register(machine("m4-mirror", "parallel", "inference", "social", "deploy", "testing"));
    t.fleet.registry().register(machine("gcp-watcher", "cron", "monitoring", "cron", "alerts"));
    t.beat("m3-forge", 0.45);
    t.beat("m4-mirror", 0.20);
    t.beat("gcp-watcher", 0.05);
    t.events.clear();
    return t;
  }

  static Machine machine(String id, String role, String... capabilities) {
    return new Machine(MachineId.of(id), id + ".local", role, new java.util.LinkedHashSet<>(List.of(capabilities)),
        Specs.NONE, Map.of());
  }

  boolean beat(String id, double load) {
    return fleet.monitor().heartbeat(Heartbeat.of(MachineId.of(id), ++sequence, load));
  }

  void advance(Duration d) {
    scheduler.advance(d);
  }

  <T extends FleetEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public void close() {
    fleet.close();
  }
}
