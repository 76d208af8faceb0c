package dev.fleet.transport.http.internal;

import dev.fleet.spi.Ticker;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What an {@code HttpCoordinator} was built with, checked as a whole (tokens present, timeouts consistent), and
 * the checks its builder applies to each setting as it is given.
 *
 * <p>Immutable and thread-safe. Its {@link #toString()} leaves out the secrets.
 *
 * @param keyStore a PKCS#12 keystore to serve HTTPS with, or null for plain HTTP
 * @param allowInsecure whether plain HTTP may bind an address other than loopback
 * @param joinTokenListener told of each new join token once it is durable
 * @param wallClock stamps events and numbers event stream runs
 * @param joinRates how fast new machines may join, per address and per join token
 * @param connectionBudget how much of {@code maxConnections} connections without a credential may hold
 */
public record CoordinatorSettings(String bindAddress, int port, String joinToken, String adminToken, Path keyStore,
    String keyStorePassword, boolean allowInsecure, Ticker ticker, Duration headerTimeout, Duration idleTimeout,
    Duration maxPollWait, int maxBodyBytes, int maxHeaderBytes, int maxMachines, int maxTasksPerRequest,
    double requestsPerSecond, int burst, int maxConnections, int threads, int mailboxCapacity,
    Consumer<Optional<String>> joinTokenListener, InstantSource wallClock, EventStream.Settings eventSettings,
    JoinRates joinRates, ConnectionBudget.Settings connectionBudget) {

  /** The event stream bounds a coordinator has unless told otherwise. */
  public static final EventStream.Settings DEFAULT_EVENT_STREAMS = new EventStream.Settings(64, 10_000, 1_000,
      Duration.ofSeconds(15), Duration.ofSeconds(2));

  /** @throws IllegalStateException if a token is missing or the timeouts contradict each other */
  public CoordinatorSettings {
    if (joinToken == null) {
      throw new IllegalStateException("joinToken is required (HttpCoordinator.newSecret() makes one)");
    }
    if (adminToken == null) {
      throw new IllegalStateException("adminToken is required (HttpCoordinator.newSecret() makes one)");
    }
    if (maxPollWait.compareTo(idleTimeout) >= 0) {
      throw new IllegalStateException("maxPollWait " + maxPollWait + " must be shorter than idleTimeout "
          + idleTimeout + ", or waiting polls would be cut off as idle");
    }
    try {
      connectionBudget.checkAgainst(maxConnections, idleTimeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The limits the API enforces. */
  public Limits limits() {
    return new Limits(maxBodyBytes, maxMachines, maxTasksPerRequest, requestsPerSecond, burst, maxPollWait,
        mailboxCapacity, joinRates);
  }

  /** Where agents and clients reach a coordinator listening on this port; loopback for a wildcard address. */
  public URI uri(int localPort) {
    // A wildcard is where it listens, not an address to dial: a client on this machine reaches it on loopback.
    String dial = switch (bindAddress) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "::0", "0:0:0:0:0:0:0:0" -> "::1";
      default -> bindAddress;
    };
    String host = dial.contains(":") ? "[" + dial + "]" : dial;
    return URI.create((keyStore == null ? "http" : "https") + "://" + host + ":" + localPort);
  }

  @Override
  public String toString() {
    return "CoordinatorSettings[" + bindAddress + ":" + port + (keyStore == null ? "" : ", tls") + "]";
  }

  /**
   * The connection budget's bounds: those given, or half of {@code maxConnections} in all and at most 64 of them
   * per address when not given.
   */
  public static ConnectionBudget.Settings connectionBudget(int maxConnections, Integer maxUnauthenticated,
      Integer perAddress, Duration unauthenticatedIdleTimeout) {
    int total = maxUnauthenticated != null ? maxUnauthenticated : Math.max(1, maxConnections / 2);
    int each = perAddress != null ? perAddress : Math.min(64, total);
    return new ConnectionBudget.Settings(total, each, unauthenticatedIdleTimeout);
  }

  /** @throws IllegalArgumentException naming the setting, unless the duration is positive */
  public static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }

  /** @throws IllegalArgumentException naming the setting, if the value is under the least it may be */
  public static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException unless the rate is a finite number above zero */
  public static double perSecond(double perSecond) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rateLimit must be a finite number > 0 per second, got " + perSecond);
    }
    return perSecond;
  }

  /**
   * The event stream bounds with new counts, the rest as before.
   *
   * @throws IllegalArgumentException if a count is under 1, or the queue exceeds the history it is read from
   */
  public static EventStream.Settings eventStreams(EventStream.Settings before, int maxStreams, int history,
      int queue) {
    atLeast("maxStreams", maxStreams, 1);
    atLeast("history", history, 1);
    atLeast("queue", queue, 1);
    if (queue > history) {
      throw new IllegalArgumentException("an event stream's queue (" + queue + ") must not exceed the history ("
          + history + ") it is read from");
    }
    return new EventStream.Settings(maxStreams, history, queue, before.ping(), before.dropGrace());
  }
}
