package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.MachineId;
import dev.fleet.transport.http.HttpAgent.State;
import dev.fleet.transport.http.internal.Endpoint;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.Wire;
import dev.fleet.transport.http.internal.WireMapping;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The messages the coordinator sends an agent (assign, withdraw, pause, resume), read by a long-poll and from
 * heartbeat answers, each once, in order: the cursor is the number of the last one read, and every request
 * acknowledges it. Each message goes to the {@link WorkerSlots}.
 *
 * <p>Confined to the agent's control thread.
 */
final class Inbox {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());

  private final MachineId machine;
  private final AgentSession session;
  private final WorkerSlots slots;
  private final JsonHttp http;
  private final ScheduledExecutorService control;
  private final Duration requestTimeout;
  private final Backoff backoff;
  private long cursor;
  private long maxPollWaitMillis;
  private boolean pollInFlight;
  private int pollFailures;

  /**
   * An inbox that has read nothing yet.
   *
   * @param machine the agent's machine, for log lines
   * @param session whose state decides whether a poll goes out
   * @param slots given the assignments, withdrawals, pauses and resumptions read
   * @param http the client that follows the leader among the coordinators
   * @param control the agent's control thread, where every message is handled
   * @param requestTimeout how long one request may take, beside a poll's wait
   * @param backoff the retry delays after a failed poll
   */
  Inbox(MachineId machine, AgentSession session, WorkerSlots slots, JsonHttp http, ScheduledExecutorService control,
      Duration requestTimeout, Backoff backoff) {
    this.machine = machine;
    this.session = session;
    this.slots = slots;
    this.http = http;
    this.control = control;
    this.requestTimeout = requestTimeout;
    this.backoff = backoff;
  }

  /**
   * A join succeeded: numbering continues from {@code cursor}, and a poll waits at most as long as it says.
   *
   * @param cursor the number of the last message the coordinator counts as read
   * @param maxPollWaitMillis the longest a poll may wait, in milliseconds
   */
  void joined(long cursor, long maxPollWaitMillis) {
    this.cursor = cursor;
    this.maxPollWaitMillis = maxPollWaitMillis;
  }

  /**
   * The number of the last message read, which the agent acknowledges.
   *
   * @return the cursor, 0 before any
   */
  long cursor() {
    return cursor;
  }

  /** Starts a long-poll unless one is in flight or the agent is not connected. */
  void poll() {
    if (pollInFlight || session.state() != State.CONNECTED || session.quiet()) {
      return;
    }
    pollInFlight = true;
    int sent = session.epoch();
    long wait = maxPollWaitMillis;
    String inc = session.incarnation();
    http.exchange("GET", Endpoint.POLL.path() + "?ack=" + cursor + "&waitMillis=" + wait
        + (inc == null ? "" : "&incarnation=" + inc), session.credential(), null,
        Wire.PollResponse.class, requestTimeout.plusMillis(wait), control, (r, err) -> pollDone(r, err, sent));
  }

  private void pollDone(Wire.PollResponse r, Throwable err, int sentEpoch) {
    pollInFlight = false;
    if (session.state() == State.CLOSED) {
      return;
    }
    if (sentEpoch != session.epoch()) {
      poll();
      return;
    }
    if (err != null) {
      if (err instanceof FleetHttpException f && (f.status() == 401 || f.status() == 404)) {
        session.rejoin("the coordinator does not know this machine (" + f.detail() + ")");
        return;
      }
      control.schedule(this::poll, backoff.after(pollFailures++, err).toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    pollFailures = 0;
    if (session.restarted(r.incarnation())) {
      return;
    }
    take(r.messages());
    poll();
  }

  /**
   * Reads the messages not read before, in order. Control thread only.
   *
   * @param messages as an answer carried them; null for none
   */
  void take(List<Wire.MessageDto> messages) {
    if (messages == null) {
      return;
    }
    for (Wire.MessageDto m : messages) {
      if (m.seq() <= cursor) {
        continue;
      }
      cursor = m.seq();
      try {
        long token = WireMapping.token(m.token(), "token");
        if ("assign".equals(m.type())) {
          slots.assigned(WireMapping.task(m.task(), "task"), m.attempt() == null ? 1 : m.attempt(), token);
        } else if ("withdraw".equals(m.type())) {
          slots.withdrawn(token, m.reason() == null ? "withdrawn" : m.reason());
        } else if ("pause".equals(m.type()) || "resume".equals(m.type())) {
          slots.pauseChanged(token, "pause".equals(m.type()), m.reason() == null ? m.type() : m.reason());
        } else {
          LOG.log(Level.WARNING, machine + ": ignoring a message of unknown type '" + m.type() + "'");
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, machine + ": ignoring a message it cannot read: " + e.getMessage());
      }
    }
  }
}
