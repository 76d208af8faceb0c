package dev.fleet.transport.http;

import dev.fleet.Fleet;
import dev.fleet.FleetEvent;
import dev.fleet.core.FleetBuilder;
import dev.fleet.core.Fleets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A fleet with an HTTP coordinator on 127.0.0.1 and a free port, for tests; close() stops both. */
final class TestCoordinator implements AutoCloseable {
  final String joinToken = HttpCoordinator.newSecret();
  final String adminToken = HttpCoordinator.newSecret();
  final List<FleetEvent> events = new CopyOnWriteArrayList<>();
  final HttpCoordinator coordinator;
  final Fleet fleet;
  final RawHttp http;

  TestCoordinator() {
    this(b -> { }, f -> { });
  }

  TestCoordinator(Consumer<HttpCoordinatorBuilder> server, Consumer<FleetBuilder> fleetSettings) {
    HttpCoordinatorBuilder b = HttpCoordinator.newBuilder().joinToken(joinToken).adminToken(adminToken)
        .rateLimit(100_000, 100_000);
    server.accept(b);
    coordinator = b.build();
    FleetBuilder fb = Fleets.newBuilder().transport(coordinator).listener(events::add);
    fleetSettings.accept(fb);
    fleet = fb.build();
    coordinator.start(fleet);
    http = new RawHttp(coordinator.uri());
  }

  static Consumer<FleetBuilder> fastHeartbeats() {
    return f -> f.heartbeatInterval(Duration.ofMillis(200)).suspectAfter(Duration.ofMillis(600))
        .offlineAfter(Duration.ofSeconds(1));
  }

  @Override
  public void close() {
    coordinator.close();
    fleet.close();
  }
}
