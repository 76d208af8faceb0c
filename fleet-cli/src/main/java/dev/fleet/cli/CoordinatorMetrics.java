package dev.fleet.cli;

import dev.fleet.Fleet;
import dev.fleet.FleetStats;
import dev.fleet.micrometer.FleetMetrics;
import dev.fleet.transport.http.HttpCoordinator;
import dev.fleet.transport.http.HttpCoordinatorBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;

/**
 * What {@code fleet coordinator} tells its operators: the Prometheus registry behind {@code /metrics} (the fleet's
 * meters, the JVM's, and {@code fleet_coordinator_leading 1}), served to the token in the state directory's
 * {@code metrics-token} file, and the readiness behind {@code /v1/health/ready}. A replicated coordinator binds the
 * fleet of each term it leads, in turn.
 *
 * <p>Thread-safe: the fleet's metrics are swapped under this object's lock and read through a volatile field.
 */
final class CoordinatorMetrics implements AutoCloseable {
  static final String TOKEN_FILE = "metrics-token";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final String token;
  private volatile FleetMetrics fleetMetrics;
  private volatile Fleet fleet;

  /** Metrics for the token in {@code state}'s metrics-token file, made now if there is none. */
  CoordinatorMetrics(StateDir state) {
    this.token = state.read(TOKEN_FILE).orElseGet(() -> {
      String t = HttpCoordinator.newSecret();
      state.writeSecret(TOKEN_FILE, t);
      return t;
    });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("fleet.coordinator.leading", () -> 1)
        .description("1 on the coordinator that leads (and serves the fleet's metrics), 0 on a follower")
        .register(registry);
  }

  /** Has {@code b} serve these metrics and this readiness. */
  HttpCoordinatorBuilder applyTo(HttpCoordinatorBuilder b) {
    return b.metrics(token, this::scrape).readiness(this::notReady);
  }

  /** Binds the fleet {@code coordinator} serves, in place of the one before. */
  synchronized void serving(HttpCoordinator coordinator) {
    coordinator.fleet().ifPresent(this::serving);
  }

  /** Binds {@code f} in place of the fleet before. */
  synchronized void serving(Fleet f) {
    FleetMetrics old = fleetMetrics;
    if (old != null) {
      old.close();
    }
    FleetMetrics m = new FleetMetrics(f);
    m.bindTo(registry);
    fleet = f;
    fleetMetrics = m;
  }

  /** The Prometheus text, with the gauges of any role or capability set that appeared since the last scrape. */
  String scrape() {
    FleetMetrics m = fleetMetrics;
    if (m != null) {
      m.refresh();
    }
    return registry.scrape();
  }

  /** Why the coordinator should get no work: no fleet yet, or its journal failed. */
  Optional<String> notReady() {
    Fleet f = fleet;
    if (f == null) {
      return Optional.of("the fleet is not serving yet");
    }
    return f.stats().flatMap(s -> s.snapshot().journalFailure()).map(why -> "the journal failed, so the "
        + "fleet takes no more changes: " + why);
  }

  @Override
  public synchronized void close() {
    FleetMetrics m = fleetMetrics;
    if (m != null) {
      m.close();
    }
    registry.close();
  }
}
