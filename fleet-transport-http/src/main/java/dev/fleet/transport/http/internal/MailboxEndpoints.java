package dev.fleet.transport.http.internal;

import dev.fleet.Fleet;
import dev.fleet.Heartbeat;
import dev.fleet.MachineId;
import dev.fleet.UnknownMachineException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The two ways an agent reads its mailbox: {@code POST /v1/heartbeat}, whose answer carries what is waiting, and
 * the long-poll {@code GET /v1/assignments}, which returns at once and is answered later by a delivery or a
 * timer, so a waiting agent holds no thread. Acknowledgements count only within this coordinator's incarnation.
 *
 * <p>Thread-safe: a parked poll is answered exactly once, whichever of delivery, timer or failure comes first;
 * the rest is in thread-safe collaborators.
 */
final class MailboxEndpoints {
  private final Fleet fleet;
  private final Deliveries deliveries;
  private final Limits limits;
  private final Scheduler scheduler;
  private final String incarnation;

  MailboxEndpoints(Fleet fleet, Deliveries deliveries, Limits limits, Scheduler scheduler, String incarnation) {
    this.fleet = fleet;
    this.deliveries = deliveries;
    this.limits = limits;
    this.scheduler = scheduler;
    this.incarnation = incarnation;
  }

  Wire.HeartbeatResponse heartbeat(MachineId id, Wire.HeartbeatRequest req) {
    Heartbeat hb = WireMapping.input(() -> new Heartbeat(id, WireMapping.required(req.sequence(), "sequence"),
        WireMapping.required(req.load(), "load"), WireMapping.signals(req.signals())));
    boolean accepted;
    try {
      accepted = fleet.monitor().heartbeat(hb);
    } catch (UnknownMachineException e) {
      throw Problem.notFound("unknown-machine", "machine '" + id + "' is no longer registered; join again");
    }
    Mailbox box = deliveries.mailbox(id);
    // An ack counted in an earlier incarnation means nothing now: the agent is told the new one and joins again.
    List<Mailbox.Message> messages = sameIncarnation(req.incarnation())
        ? box.acknowledge(req.ack() == null ? 0 : req.ack()) : List.of();
    // Said in the answer, not only by "accepted": an agent that sees it can tell its operator why nothing changed.
    String ignored = accepted ? null : "sequence " + hb.sequence() + " is not newer than the last one accepted from '"
        + id + "'; the heartbeat changed nothing";
    return new Wire.HeartbeatResponse(accepted, ignored, fleet.monitor().health(id).word(), messages(messages), box.cursor(),
        fleet.monitor().interval().toMillis(), incarnation);
  }

  /** Whether an agent's acks count in this coordinator's numbering; an agent that names none is trusted. */
  private boolean sameIncarnation(String agents) {
    return agents == null || agents.equals(incarnation);
  }

  private static List<Wire.MessageDto> messages(List<Mailbox.Message> messages) {
    List<Wire.MessageDto> out = new ArrayList<>(messages.size());
    for (Mailbox.Message m : messages) {
      out.add(switch (m.kind()) {
        case ASSIGN -> WireMapping.assign(m.seq(), m.assignment());
        case WITHDRAW -> WireMapping.withdrawal(m.seq(), m.assignment(), m.reason());
        case PAUSE -> WireMapping.notice(m.seq(), "pause", m.assignment(), m.reason());
        case RESUME -> WireMapping.notice(m.seq(), "resume", m.assignment(), m.reason());
      });
    }
    return out;
  }

  void poll(MachineId id, Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    long ack = queryLong(query, "ack", 0);
    long waitMillis = Math.min(queryLong(query, "waitMillis", limits.maxPollWait().toMillis()),
        limits.maxPollWait().toMillis());
    if (fleet.registry().get(id).isEmpty()) {
      throw Problem.notFound("unknown-machine", "machine '" + id + "' is no longer registered; join again");
    }
    Mailbox box = deliveries.mailbox(id);
    if (!sameIncarnation(query.getValue("incarnation"))) {
      // Answered at once and without acknowledging anything: the agent learns the new incarnation and joins again.
      Responses.json(response, callback, 200, new Wire.PollResponse(List.of(), box.cursor(), incarnation));
      return;
    }
    if (waitMillis == 0) {
      List<Mailbox.Message> now = box.acknowledge(ack);
      Responses.json(response, callback, 200, new Wire.PollResponse(messages(now), box.cursor(), incarnation));
      return;
    }
    PollWaiter waiter = new PollWaiter(response, callback);
    List<Runnable> replaced = new ArrayList<>(1);
    List<Mailbox.Message> now = box.pollOrWait(ack, waiter, replaced);
    replaced.forEach(Runnable::run);
    if (now != null) {
      waiter.complete(now, box.cursor());
      return;
    }
    Scheduler.Task timer = scheduler.schedule(() -> {
      if (box.cancel(waiter)) {
        waiter.complete(List.of(), box.cursor());
      }
    }, Duration.ofMillis(waitMillis));
    waiter.timer = timer;
    request.addFailureListener(failure -> {
      if (box.cancel(waiter)) {
        timer.cancel();
        waiter.fail(failure);
      }
    });
  }

  /** A long-poll parked in a mailbox: answered once, by a delivery, its timer, or a failure. */
  private final class PollWaiter implements Mailbox.Waiter {
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean done = new AtomicBoolean();
    volatile Scheduler.Task timer;

    PollWaiter(Response response, Callback callback) {
      this.response = response;
      this.callback = callback;
    }

    @Override
    public void complete(List<Mailbox.Message> messages, long cursor) {
      if (done.compareAndSet(false, true)) {
        Scheduler.Task t = timer;
        if (t != null) {
          t.cancel();
        }
        Responses.json(response, callback, 200, new Wire.PollResponse(messages(messages), cursor, incarnation));
      }
    }

    void fail(Throwable failure) {
      if (done.compareAndSet(false, true)) {
        callback.failed(failure);
      }
    }
  }

  private static long queryLong(Fields query, String name, long def) {
    String v = query.getValue(name);
    if (v == null) {
      return def;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw Problem.badRequest("query parameter '" + name + "' must be >= 0, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("query parameter '" + name + "' must be an integer, got '"
          + WireMapping.abbreviate(v) + "'");
    }
  }
}
