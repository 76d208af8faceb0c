package dev.fleet.transport.http.internal;

import java.util.Objects;

/**
 * A request that cannot be carried out, as an RFC 9457 problem: the HTTP status, a stable type, a title
 * for the status, and a detail saying what was wrong.
 *
 * <p>Immutable and thread-safe.
 */
public final class Problem extends RuntimeException {
  /** The prefix of every problem type Fleet sends. */
  public static final String TYPE_PREFIX = "urn:dev.fleet:problem:";

  private final int status;
  private final String type;
  private final long retryAfterSeconds;

  public Problem(int status, String type, String detail) {
    this(status, type, detail, 0);
  }

  public Problem(int status, String type, String detail, long retryAfterSeconds) {
    super(Objects.requireNonNull(detail, "detail"), null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem's status must be 4xx or 5xx, got " + status);
    }
    this.status = status;
    this.type = Objects.requireNonNull(type, "type");
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  /** The full type URI, e.g. {@code urn:dev.fleet:problem:stale-attempt}. */
  public String type() {
    return TYPE_PREFIX + type;
  }

  /** The short type, e.g. {@code stale-attempt}. */
  public String shortType() {
    return type;
  }

  public String detail() {
    return getMessage();
  }

  /** Seconds to send in Retry-After, or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The reason phrase for a status. */
  public static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 411 -> "Length Required";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      case 507 -> "Insufficient Storage";
      default -> status < 500 ? "Client Error" : "Server Error";
    };
  }

  public static Problem badRequest(String detail) {
    return new Problem(400, "bad-request", detail);
  }

  public static Problem malformed(String detail) {
    return new Problem(400, "malformed-json", detail);
  }

  public static Problem unauthorized(String detail) {
    return new Problem(401, "unauthorized", detail);
  }

  public static Problem forbidden(String detail) {
    return new Problem(403, "forbidden", detail);
  }

  public static Problem notFound(String type, String detail) {
    return new Problem(404, type, detail);
  }

  public static Problem conflict(String type, String detail) {
    return new Problem(409, type, detail);
  }

  public static Problem tooLarge(String detail) {
    return new Problem(413, "too-large", detail);
  }
}
