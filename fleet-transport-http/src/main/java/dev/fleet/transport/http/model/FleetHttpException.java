package dev.fleet.transport.http.model;

import java.time.Duration;
import java.util.Optional;

import java.util.Objects;

/**
 * A coordinator refused a request: the RFC 9457 problem it answered with.
 *
 * <p>Immutable and thread-safe.
 */
public final class FleetHttpException extends RuntimeException {
  private final int status;
  private final String type;
  private final String detail;
  private final String problem;

  private final Duration retryAfter;

  public FleetHttpException(int status, String type, String detail) {
    this(status, type, detail, null, null);
  }

  /**
   * A refusal with the problem document the coordinator sent, as it sent it ({@code problem} null if it sent
   * none), so that a tool can pass it on with the fields this class does not read.
   */
  public FleetHttpException(int status, String type, String detail, String problem) {
    this(status, type, detail, problem, null);
  }

  /**
   * A refusal with its problem document (or null) whose answer asked the client to wait {@code retryAfter} (its
   * Retry-After; null if it did not say) before trying again.
   */
  public FleetHttpException(int status, String type, String detail, String problem, Duration retryAfter) {
    super("HTTP " + status + " (" + shortType(type) + "): " + detail);
    this.status = status;
    this.type = Objects.requireNonNull(type, "type");
    this.detail = Objects.requireNonNull(detail, "detail");
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative, got " + retryAfter);
    }
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** How long the coordinator asked the client to wait before trying again (its Retry-After), if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  private static String shortType(String type) {
    int at = type == null ? -1 : type.lastIndexOf(':');
    return at < 0 ? String.valueOf(type) : type.substring(at + 1);
  }

  /** The HTTP status, e.g. 409. */
  public int status() {
    return status;
  }

  /** The problem type URI, e.g. {@code urn:dev.fleet:problem:stale-attempt}. */
  public String type() {
    return type;
  }

  /** The last part of the type, e.g. {@code stale-attempt}. */
  public String kind() {
    return shortType(type);
  }

  /** What the coordinator said was wrong. */
  public String detail() {
    return detail;
  }

  /**
   * The {@code application/problem+json} document the coordinator answered with, unchanged (its extension fields,
   * such as {@code leader}, included); empty if the refusal was not one (a plain-text error, or made here).
   */
  public java.util.Optional<String> problem() {
    return java.util.Optional.ofNullable(problem);
  }
}
