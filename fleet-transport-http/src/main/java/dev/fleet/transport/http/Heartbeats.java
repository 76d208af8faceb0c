package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.MachineId;
import dev.fleet.Signals;
import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.HttpAgent.State;
import dev.fleet.transport.http.internal.Endpoint;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.Wire;
import dev.fleet.transport.http.internal.WireMapping;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An agent's heartbeat loop: on the interval the coordinator asks for it sends its load and signals with the
 * acknowledgement of the messages it has read, and takes the messages that come back. It tracks whether the
 * coordinator still counts the machine as alive (the lease), backs off while the coordinator cannot be reached,
 * and notices when the machine was asleep (see {@link ResumeDetector}), then heartbeats at once.
 *
 * <p>Confined to the agent's control thread.
 */
final class Heartbeats {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());

  private final MachineId machine;
  private final AgentSession session;
  private final WorkerSlots slots;
  private final Inbox inbox;
  private final Outbox outbox;
  private final ProbeSignals probes;
  private final JsonHttp http;
  private final ScheduledExecutorService control;
  private final Ticker ticker;
  private final InstantSource wallClock;
  private final Duration requestTimeout;
  private final Backoff backoff;
  private final Reachability reach;
  private final BooleanSupplier asleep;
  private final ResumeDetector resume = new ResumeDetector(Duration.ofSeconds(1));

  private long sequence;
  private long intervalMillis;
  private long offlineAfterNanos;
  private ScheduledFuture<?> ticks;
  private boolean inFlight;
  /** Counts heartbeats sent; an answer to one that is not the latest is ignored. */
  private long sent;
  private int failures;
  private long nextNanos;
  private long lastAcceptedNanos;
  private boolean leaseLostLogged;
  private boolean ignoredLogged;
  private boolean holding;
  /** A resumption ends a hold whatever the check still says, until the check turns false by itself. */
  private boolean holdOverruled;
  private Runnable whenIdle;

  /**
   * The heartbeat loop of one agent, not yet beating: {@link #beat} starts it once a join answered.
   *
   * @param machine the agent's machine, for log lines
   * @param session whose state decides whether a heartbeat goes out, and which is told of restarts and rejoins
   * @param slots whose busy count makes the load reported
   * @param inbox given the messages each answer carries
   * @param outbox flushed when the coordinator can be reached again
   * @param probes read once per heartbeat for the signals it carries
   * @param http the client that follows the leader among the coordinators
   * @param control the agent's control thread, where every tick and answer runs
   * @param ticker the time source for backoff and the lease
   * @param wallClock read beside the ticker to notice a sleep
   * @param requestTimeout how long one heartbeat may take
   * @param backoff the retry delays after a failed heartbeat
   * @param reach logs once that the coordinator cannot be reached, and once that it is back
   * @param asleep true while the machine announced sleep some other way: no heartbeat goes out
   */
  Heartbeats(MachineId machine, AgentSession session, WorkerSlots slots, Inbox inbox, Outbox outbox,
      ProbeSignals probes, JsonHttp http, ScheduledExecutorService control, Ticker ticker, InstantSource wallClock,
      Duration requestTimeout, Backoff backoff, Reachability reach, BooleanSupplier asleep) {
    this.machine = machine;
    this.session = session;
    this.slots = slots;
    this.inbox = inbox;
    this.outbox = outbox;
    this.probes = probes;
    this.http = http;
    this.control = control;
    this.ticker = ticker;
    this.wallClock = wallClock;
    this.requestTimeout = requestTimeout;
    this.backoff = backoff;
    this.reach = reach;
    this.asleep = asleep;
  }

  /**
   * A join succeeded: the lease starts afresh.
   *
   * @param offlineAfterMillis the coordinator's offline timeout, after which the agent warns its work may move
   */
  void joined(long offlineAfterMillis) {
    offlineAfterNanos = Duration.ofMillis(offlineAfterMillis).toNanos();
    lastAcceptedNanos = ticker.read();
    leaseLostLogged = false;
    failures = 0;
    nextNanos = 0;
  }

  /**
   * Heartbeats every {@code interval} milliseconds from now on, the first at once.
   *
   * @param interval the period the coordinator asked for, in milliseconds; at least 1 is used
   */
  void beat(long interval) {
    if (ticks == null || intervalMillis != interval) {
      if (ticks != null) {
        ticks.cancel(false);
      }
      intervalMillis = Math.max(1, interval);
      resume.period(Duration.ofMillis(intervalMillis));
      ticks = control.scheduleAtFixedRate(this::tick, 0, intervalMillis, TimeUnit.MILLISECONDS);
    } else {
      tick();
    }
  }

  /**
   * Runs {@code then} on the control thread once no heartbeat is in flight (at once if none is): after the agent
   * fell quiet, the last one must land before the coordinator is told the machine left, or it would bring it
   * back.
   *
   * @param then what to run; replaces one given before that has not run yet
   */
  void whenIdle(Runnable then) {
    if (!inFlight) {
      then.run();
    } else {
      whenIdle = then;
    }
  }

  private void tick() {
    State state = session.state();
    if (state == State.CLOSED) {
      return;
    }
    long now = ticker.read();
    Duration away = resume.observe(now, wallClock.millis());
    if (!away.isZero() && !session.quiet()) {
      resumed(away);
    }
    if (state == State.JOINING || state == State.REFUSED || inFlight || session.quiet()) {
      return;
    }
    boolean hold = asleep.getAsBoolean();
    holdOverruled &= hold;
    if (hold && !holdOverruled) {
      if (!holding) {
        holding = true;
        LOG.log(Level.INFO, machine + ": the machine announced it is going to sleep; holding heartbeats, which "
            + "would wake it at the coordinator");
        confirmSleep();
      }
      return;
    }
    holding = false;
    if (!leaseLostLogged && offlineAfterNanos > 0 && now - lastAcceptedNanos > offlineAfterNanos) {
      leaseLostLogged = true;
      LOG.log(Level.WARNING, machine + ": no heartbeat accepted for longer than the coordinator's offline "
          + "timeout; its work may be moved elsewhere. Running work continues; what was moved is stopped when "
          + "the coordinator says so");
    }
    if (now < nextNanos) {
      return;
    }
    Signals signals = probes.read(); // first: it takes the probes' readings that load() uses
    Wire.HeartbeatRequest req = new Wire.HeartbeatRequest(sequence++, probes.load(slots.busy(), slots.slots()),
        WireMapping.dto(signals), inbox.cursor(), session.incarnation());
    inFlight = true;
    long number = ++sent;
    int epoch = session.epoch();
    http.exchange("POST", Endpoint.HEARTBEAT.path(), session.credential(), req, Wire.HeartbeatResponse.class, requestTimeout,
        control, (r, err) -> done(r, err, epoch, number));
  }

  /**
   * Tells the coordinator again that the machine goes to sleep, now that no heartbeat is in flight: one sent
   * just before {@code fleet sleep} left its mark can land after that command's announcement and wake the
   * machine there, which would leave it online but silent, so its work would fail over instead of waiting.
   * Said again after the last heartbeat's answer came, the announcement has the last word.
   */
  private void confirmSleep() {
    http.exchange("POST", Endpoint.SLEEP.path(), session.credential(), null, Void.class, requestTimeout, control,
        (r, err) -> {
          if (err != null) {
            LOG.log(Level.DEBUG, () -> machine + ": could not confirm the sleep to the coordinator: "
                + Reachability.describe(err));
          }
        });
  }

  /**
   * The machine was away (asleep, or frozen): whatever was in flight before went to a network that may be gone,
   * so the next heartbeat goes at once, without waiting out a backoff or an answer that may never come.
   */
  private void resumed(Duration away) {
    LOG.log(Level.INFO, machine + ": resumed after sleep of " + ResumeDetector.roughly(away)
        + "; heartbeating at once");
    holding = false;
    holdOverruled = true;
    failures = 0;
    nextNanos = 0;
    inFlight = false; // the answer to a heartbeat sent before the sleep, if any comes, is ignored
  }

  private void done(Wire.HeartbeatResponse r, Throwable err, int sentEpoch, long number) {
    if (number != sent) {
      return; // superseded after a resumption
    }
    inFlight = false;
    Runnable idle = whenIdle;
    if (idle != null) {
      whenIdle = null;
      idle.run();
    }
    if (session.state() == State.CLOSED || sentEpoch != session.epoch() || session.quiet()) {
      return;
    }
    if (err != null) {
      if (err instanceof FleetHttpException f && (f.status() == 401 || f.status() == 404)) {
        session.rejoin("the coordinator does not know this machine (" + f.detail() + ")");
        return;
      }
      reach.failed(err);
      session.lost();
      nextNanos = ticker.read() + backoff.after(failures++, err).toNanos();
      return;
    }
    reach.reached();
    failures = 0;
    nextNanos = 0;
    lastAcceptedNanos = ticker.read();
    leaseLostLogged = false;
    if (session.restarted(r.incarnation())) {
      return;
    }
    ignored(r);
    if (session.state() == State.DISCONNECTED) {
      session.back();
      inbox.poll();
      outbox.flushResults();
    }
    inbox.take(r.messages());
  }

  /**
   * Tells the operator, once per run of them, that the coordinator ignores this machine's heartbeats: its health
   * and load stop following them, which usually means a second agent runs under the same machine id.
   */
  private void ignored(Wire.HeartbeatResponse r) {
    if (r.accepted()) {
      ignoredLogged = false;
    } else if (!ignoredLogged) {
      ignoredLogged = true;
      LOG.log(Level.WARNING, machine + ": the coordinator ignored a heartbeat: "
          + (r.ignored() == null ? "its sequence is not newer than the last one accepted" : r.ignored())
          + " (is another agent running as this machine?)");
    }
  }
}
