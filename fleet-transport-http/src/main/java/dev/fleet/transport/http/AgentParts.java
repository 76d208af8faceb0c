package dev.fleet.transport.http;

import dev.fleet.MachineId;
import dev.fleet.transport.http.internal.CoordinatorList;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.Secrets;
import java.net.http.HttpClient;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The parts an {@link HttpAgent} is made of, wired together from its {@link AgentSettings}: the control thread,
 * the HTTP client that follows the leader among the coordinators, the session, the worker slots, the inbox, the
 * outbox and the heartbeats.
 *
 * <p>Made once, on the builder's thread; the parts themselves run on the control thread as each documents.
 */
final class AgentParts {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());

  /** The agent's one control thread: heartbeats, messages, reports. */
  final ScheduledExecutorService control;
  /** The HTTP client that follows the leader among the coordinators. */
  final JsonHttp http;
  /** Joins and rejoins, and holds the agent's state. */
  final AgentSession session;
  /** Runs the attempts in a bounded number of worker threads. */
  final WorkerSlots slots;
  /** Sends started reports and results in batches. */
  final Outbox outbox;
  /** The heartbeat loop. */
  final Heartbeats heartbeats;

  /**
   * Makes the parts and wires them to one another; nothing runs until the session begins.
   *
   * @param s the agent's settings
   * @param released run when a worker slot is released, on the thread that released it
   */
  AgentParts(AgentSettings s, Runnable released) {
    MachineId id = s.machine().id();
    String name = "fleet-agent-" + id;
    this.control = Executors.newSingleThreadScheduledExecutor(daemon(name, false));
    // HTTP/1.1: the coordinator speaks nothing else, and a client that prefers HTTP/2 offers every new
    // connection an h2c upgrade first.
    HttpClient.Builder hc = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(s.requestTimeout())
        .executor(control);
    if (s.sslContext() != null) {
      hc.sslContext(s.sslContext());
    }
    CoordinatorList coordinators = new CoordinatorList(s.coordinators());
    // One line per move, not per request: the list calls this only when another coordinator answers.
    coordinators.onMove(u -> LOG.log(System.Logger.Level.INFO, id + ": following the leader at "
        + CoordinatorList.display(u)));
    this.http = new JsonHttp(hc.build(), coordinators);
    Backoff backoff = new Backoff(s.minBackoff(), s.maxBackoff());
    Reachability reach = new Reachability(id, coordinators);
    this.session = new AgentSession(s.machine(), s.joinToken(),
        s.joinKey() != null ? s.joinKey() : Secrets.newSecret(), s.credential(), s.onCredential(), http, control,
        s.requestTimeout(), backoff, reach);
    this.slots = new WorkerSlots(id, s.handler(), s.slotCount(), control, daemon(name + "-worker", true), released);
    this.outbox = new Outbox(id, session, slots, http, control, s.requestTimeout(), backoff);
    Inbox inbox = new Inbox(id, session, slots, http, control, s.requestTimeout(), backoff);
    this.heartbeats = new Heartbeats(id, session, slots, inbox, outbox, new ProbeSignals(id, s.probes()), http,
        control, s.ticker(), s.wallClock(), s.requestTimeout(), backoff, reach, s.asleep());
    slots.reportTo(outbox);
    session.connect(slots, heartbeats, inbox, outbox);
  }

  private static ThreadFactory daemon(String name, boolean numbered) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, numbered ? name + "-" + n.incrementAndGet() : name);
      t.setDaemon(true);
      return t;
    };
  }
}
