package dev.fleet.transport.http.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * No coordinator of a client's list could serve a request: each was tried once in a row (after following any
 * redirect to the leader) and each failed, refused the connection, timed out or said that no leader is elected.
 * The message names every URL tried and why it failed, e.g. {@code request to http://a:7070, http://b:7070
 * failed: http://a:7070: connection refused; http://b:7070: HTTP 503: an election is under way}.
 *
 * <p>A client given a single coordinator URL throws its usual failures instead (an {@link UncheckedIOException},
 * or a {@link FleetHttpException}). Immutable and thread-safe.
 */
public final class CoordinatorsUnreachableException extends UncheckedIOException {
  private static final long serialVersionUID = 1L;

  /** One entry per coordinator tried, in order. */
  private final List<String> tried;

  /**
   * The failure of a request that every coordinator of the list failed.
   *
   * @param tried one entry per coordinator tried, in order: its URL, a colon, and why it failed
   * @param last the last failure; a non-IO one (such as a 503 answer) is wrapped
   * @throws NullPointerException if {@code tried} is null
   */
  public CoordinatorsUnreachableException(List<String> tried, Throwable last) {
    super("request to " + String.join(", ", urls(tried)) + " failed: " + String.join("; ", tried),
        last instanceof IOException io ? io : new IOException(String.valueOf(last), last));
    this.tried = List.copyOf(tried);
  }

  private static List<String> urls(List<String> tried) {
    Objects.requireNonNull(tried, "tried");
    return tried.stream().map(t -> {
      int at = t.indexOf(": ");
      return at < 0 ? t : t.substring(0, at);
    }).toList();
  }

  /**
   * Each coordinator tried, in order.
   *
   * @return an unmodifiable list; each entry its URL, a colon, and why it failed
   */
  public List<String> tried() {
    return tried;
  }
}
