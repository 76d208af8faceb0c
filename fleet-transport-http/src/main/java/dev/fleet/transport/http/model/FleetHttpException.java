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
  private static final long serialVersionUID = 1L;

  /** The HTTP status of the answer. */
  private final int status;
  /** The problem type URI. */
  private final String type;
  /** What the coordinator said was wrong. */
  private final String detail;
  /** The problem document as sent, or null. */
  private final String problem;
  /** The answer's Retry-After, or null. */
  private final Duration retryAfter;

  /**
   * A refusal made here, or one that came without a problem document.
   *
   * @param status the HTTP status, e.g. 409
   * @param type the problem type URI, e.g. {@code urn:dev.fleet:problem:stale-attempt}; not null
   * @param detail what was wrong, in words; not null
   * @throws NullPointerException if {@code type} or {@code detail} is null
   */
  public FleetHttpException(int status, String type, String detail) {
    this(status, type, detail, null, null);
  }

  /**
   * A refusal with the problem document the coordinator sent, as it sent it ({@code problem} null if it sent
   * none), so that a tool can pass it on with the fields this class does not read.
   *
   * @param status the HTTP status, e.g. 409
   * @param type the problem type URI; not null
   * @param detail what was wrong, in words; not null
   * @param problem the {@code application/problem+json} document as sent, or null
   * @throws NullPointerException if {@code type} or {@code detail} is null
   */
  public FleetHttpException(int status, String type, String detail, String problem) {
    this(status, type, detail, problem, null);
  }

  /**
   * A refusal with its problem document (or null) whose answer asked the client to wait {@code retryAfter} (its
   * Retry-After; null if it did not say) before trying again.
   *
   * @param status the HTTP status, e.g. 429 or 503
   * @param type the problem type URI; not null
   * @param detail what was wrong, in words; not null
   * @param problem the {@code application/problem+json} document as sent, or null
   * @param retryAfter how long to wait before trying again, or null
   * @throws NullPointerException if {@code type} or {@code detail} is null
   * @throws IllegalArgumentException if {@code retryAfter} is negative
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

  /**
   * How long the coordinator asked the client to wait before trying again (its Retry-After).
   *
   * @return the wait, or empty if it did not say
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  private static String shortType(String type) {
    int at = type == null ? -1 : type.lastIndexOf(':');
    return at < 0 ? String.valueOf(type) : type.substring(at + 1);
  }

  /**
   * The HTTP status of the refusal.
   *
   * @return the status, e.g. 409
   */
  public int status() {
    return status;
  }

  /**
   * The problem type URI; its last part says what went wrong.
   *
   * @return the URI, e.g. {@code urn:dev.fleet:problem:stale-attempt}
   */
  public String type() {
    return type;
  }

  /**
   * The last part of the type, for switching on.
   *
   * @return the kind, e.g. {@code stale-attempt}
   */
  public String kind() {
    return shortType(type);
  }

  /**
   * What the coordinator said was wrong.
   *
   * @return the problem's detail, in words
   */
  public String detail() {
    return detail;
  }

  /**
   * The {@code application/problem+json} document the coordinator answered with, unchanged (its extension fields,
   * such as {@code leader}, included).
   *
   * @return the document, or empty if the refusal was not one (a plain-text error, or made here)
   */
  public java.util.Optional<String> problem() {
    return java.util.Optional.ofNullable(problem);
  }
}
