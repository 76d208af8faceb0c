package dev.fleet.transport.http.internal;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a coordinator tells its operators: the Prometheus text it serves at {@code /metrics} to whoever shows the
 * metrics token, and why it is not ready, for {@code /v1/health/ready}.
 *
 * <p>Immutable and thread-safe if its suppliers are; they are asked at each request, on a request thread.
 *
 * @param metricsToken the bearer token {@code /metrics} asks for; null when metrics are not served
 * @param metricsText the metrics in the Prometheus text format; null when metrics are not served
 * @param notReady why the coordinator should not be sent work now, empty when it is ready
 * @param confirmLeading run before a machine's report is refused as stale or for an unknown task: returns if this
 *     coordinator still leads, throws (a {@link dev.fleet.spi.JournalException}, answered 503) if it does not, so
 *     a deposed leader that has not noticed yet sends the report on to its successor instead of refusing it from
 *     its stale state
 */
public record Operations(String metricsToken, Supplier<String> metricsText, Supplier<Optional<String>> notReady,
    Runnable confirmLeading) {
  /** No metrics, ready whenever it serves, and the only coordinator. */
  public static final Operations NONE = new Operations(null, null, Optional::empty, () -> { });

  public Operations {
    if ((metricsToken == null) != (metricsText == null)) {
      throw new IllegalArgumentException("metrics need both a token and a text supplier, got token "
          + (metricsToken == null ? "null" : "set") + " and text " + metricsText);
    }
    if (metricsToken != null && metricsToken.isBlank()) {
      throw new IllegalArgumentException("the metrics token must not be blank");
    }
    Objects.requireNonNull(notReady, "notReady");
    Objects.requireNonNull(confirmLeading, "confirmLeading");
  }

  /** The same with metrics served. */
  public Operations withMetrics(String token, Supplier<String> text) {
    return new Operations(Objects.requireNonNull(token, "metrics token"), Objects.requireNonNull(text, "metrics text"),
        notReady, confirmLeading);
  }

  /** The same with readiness told by {@code why}. */
  public Operations withReadiness(Supplier<Optional<String>> why) {
    return new Operations(metricsToken, metricsText, why, confirmLeading);
  }

  /** The same with leadership confirmed by {@code check} before a report is refused. */
  public Operations withLeadershipCheck(Runnable check) {
    return new Operations(metricsToken, metricsText, notReady, check);
  }
}
