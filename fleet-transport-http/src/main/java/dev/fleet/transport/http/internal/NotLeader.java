package dev.fleet.transport.http.internal;

import java.net.URI;

/**
 * A coordinator that is not the leader answered 307 and named the leader: the request is to go there. Seen by
 * readers that open their own exchanges (the event stream); {@link JsonHttp} follows such answers by itself.
 *
 * <p>Immutable and thread-safe.
 */
public final class NotLeader extends RuntimeException {
  private final URI leader;

  NotLeader(URI leader) {
    super("not the leader; the leader is at " + leader, null, false, false);
    this.leader = leader;
  }

  /** The leader's URL. */
  public URI leader() {
    return leader;
  }
}
