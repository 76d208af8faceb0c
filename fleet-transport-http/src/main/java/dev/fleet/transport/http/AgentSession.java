package dev.fleet.transport.http;

import dev.fleet.transport.http.model.FleetHttpException;
import dev.fleet.Machine;
import dev.fleet.transport.http.HttpAgent.State;
import dev.fleet.transport.http.internal.Endpoint;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.Wire;
import dev.fleet.transport.http.internal.WireMapping;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An agent's standing with its coordinator: joining with the join token or its credential, joining again when
 * the coordinator forgot it or restarted, and the {@link State} that results. It owns the credential, the
 * epoch (which join an answer belongs to) and the coordinator's incarnation; on each join it sets the
 * {@link Heartbeats}, {@link Inbox} and {@link Outbox} going.
 *
 * <p>Joining runs on the agent's control thread; {@link #state()}, {@link #credential()} and
 * {@link #refusal()} may be read from any thread, and {@link #begin()} and {@link #end()} called from any.
 */
final class AgentSession {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());

  private final Machine machine;
  private final String joinToken;
  private final String joinKey;
  private final Consumer<String> onCredential;
  private final JsonHttp http;
  private final ScheduledExecutorService control;
  private final Duration requestTimeout;
  private final Backoff backoff;
  private final Reachability reach;
  private WorkerSlots slots;
  private Heartbeats heartbeats;
  private Inbox inbox;
  private Outbox outbox;

  private volatile State state = State.NEW;
  private volatile String credential;
  private volatile String refusal;
  /** The coordinator run the cursor counts in; null before the first join or from a coordinator that names none. */
  private volatile String incarnation;
  /** Counts joins; an answer to a request sent before the latest join is stale. Control thread only. */
  private int epoch;
  private int joinFailures;
  /** Set when the agent leaves: nothing more may tell the coordinator it is here. Control thread only. */
  private boolean quiet;
  /** What the coordinator last said it holds for approval, so each such answer is logged once. */
  private String lastHeld;

  /**
   * A session not yet started; {@link #connect} must follow before {@link #begin}.
   *
   * @param machine the registration the agent joins with
   * @param joinToken the fleet's join token, or null to join with the credential only
   * @param joinKey the secret a join-token join presents, so a join whose answer was lost can be retried
   * @param credential a credential saved from an earlier run, or null
   * @param onCredential told each new credential on the control thread, or null
   * @param http the client that follows the leader among the coordinators
   * @param control the agent's control thread
   * @param requestTimeout how long one join may take
   * @param backoff the retry delays after a failed join
   * @param reach logs once that the coordinator cannot be reached, and once that it is back
   */
  AgentSession(Machine machine, String joinToken, String joinKey, String credential, Consumer<String> onCredential,
      JsonHttp http, ScheduledExecutorService control, Duration requestTimeout, Backoff backoff,
      Reachability reach) {
    this.machine = machine;
    this.joinToken = joinToken;
    this.joinKey = joinKey;
    this.credential = credential;
    this.onCredential = onCredential;
    this.http = http;
    this.control = control;
    this.requestTimeout = requestTimeout;
    this.backoff = backoff;
    this.reach = reach;
  }

  /**
   * The parts a join sets going (heartbeats, the poll) and reports to (the running attempts); set once, before
   * {@link #begin}.
   *
   * @param slots the agent's attempts, reported on a rejoin
   * @param heartbeats started with the interval each join answers
   * @param inbox started with the cursor each join answers
   * @param outbox flushed once the coordinator can be reached again
   */
  void connect(WorkerSlots slots, Heartbeats heartbeats, Inbox inbox, Outbox outbox) {
    this.slots = slots;
    this.heartbeats = heartbeats;
    this.inbox = inbox;
    this.outbox = outbox;
  }

  /**
   * Where the agent stands with its coordinator; any thread may read it.
   *
   * @return the current state
   */
  State state() {
    return state;
  }

  /**
   * The machine's credential; any thread may read it.
   *
   * @return the credential, or null before the first join answered (without a saved one)
   */
  String credential() {
    return credential;
  }

  /**
   * Why the coordinator refused this machine.
   *
   * @return the reason while the agent is {@link State#REFUSED}, else null
   */
  String refusal() {
    return state == State.REFUSED ? refusal : null;
  }

  /**
   * The coordinator run this agent joined, as the join answered; any thread may read it.
   *
   * @return the incarnation, or null before the first join answered
   */
  String incarnation() {
    return incarnation;
  }

  /**
   * Which join the agent is in: answers to requests sent in an earlier one are dropped. Control thread only.
   *
   * @return a number that grows by one with each join
   */
  int epoch() {
    return epoch;
  }

  /**
   * Whether the agent is leaving: no heartbeat, poll or join may go out any more.
   *
   * @return true once {@link #fallQuiet()} ran
   */
  boolean quiet() {
    return quiet;
  }

  /** From now on nothing tells the coordinator this machine is here; on the control thread. */
  void fallQuiet() {
    quiet = true;
  }

  /**
   * NEW to JOINING, and the first join goes out on the control thread.
   *
   * @return false if the agent was started already
   */
  synchronized boolean begin() {
    if (state != State.NEW) {
      return false;
    }
    state = State.JOINING;
    control.execute(this::join);
    return true;
  }

  /**
   * To CLOSED.
   *
   * @return false if it was closed already
   */
  synchronized boolean end() {
    if (state == State.CLOSED) {
      return false;
    }
    state = State.CLOSED;
    return true;
  }

  /** The coordinator answered a heartbeat again after failures: connected once more ({@link Reachability} says so). */
  void back() {
    if (state == State.DISCONNECTED) {
      state = State.CONNECTED;
    }
  }

  /** A heartbeat failed: the coordinator is lost for now. */
  void lost() {
    if (state == State.CONNECTED) {
      state = State.DISCONNECTED;
    }
  }

  private void join() {
    if (state == State.CLOSED || quiet) {
      return;
    }
    String bearer = credential != null ? credential : joinToken;
    boolean withCredential = credential != null;
    if (bearer == null) {
      state = State.REFUSED;
      refusal = "the coordinator refused this machine's credential and the agent has no join token";
      LOG.log(Level.ERROR, machine.id() + ": the coordinator refused this machine's credential and it has no join "
          + "token; give it one to join again");
      return;
    }
    Wire.JoinRequest req = withCredential
        ? new Wire.JoinRequest(WireMapping.dto(machine), null, slots.running())
        : new Wire.JoinRequest(WireMapping.dto(machine), joinKey, null);
    http.exchange("POST", Endpoint.JOIN.path(), bearer, req, Wire.JoinResponse.class,
        requestTimeout, control, (r, err) -> joined(r, err, withCredential));
  }

  private void joined(Wire.JoinResponse r, Throwable err, boolean withCredential) {
    if (state == State.CLOSED || quiet) {
      return;
    }
    if (err != null) {
      if (err instanceof FleetHttpException f && f.status() == 401 && withCredential) {
        LOG.log(Level.INFO, machine.id() + ": the coordinator no longer knows this machine's credential; joining "
            + "with the join token");
        credential = null;
        control.execute(this::join);
        return;
      }
      Duration wait;
      if (err instanceof FleetHttpException f && f.kind().equals("held-for-approval")) {
        wait = heldForApproval(f);
      } else if (err instanceof FleetHttpException f && (f.status() == 401 || f.status() == 403 || f.status() == 409)) {
        Level level = state == State.REFUSED ? Level.DEBUG : Level.ERROR; // say it once, not every retry
        refusal = (f.status() == 409 || f.kind().equals("beyond-scope") ? "" : "the coordinator refused the join token (HTTP " + f.status() + "): ")
            + f.detail();
        state = State.REFUSED;
        LOG.log(level, machine.id() + ": the coordinator refused to let this machine join: " + f.detail()
            + "; retrying every " + backoff.max().toSeconds() + " s");
        wait = backoff.max();
      } else {
        state = state == State.JOINING ? State.JOINING : State.DISCONNECTED;
        reach.failed(err);
        wait = backoff.after(joinFailures++, err);
        LOG.log(Level.DEBUG, () -> machine.id() + ": join failed (" + err + "); retrying in " + wait.toMillis()
            + " ms");
      }
      control.schedule(this::join, wait.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    reach.reached();
    joinFailures = 0;
    if (r.held() != null && !r.held().equals(lastHeld)) {
      LOG.log(Level.WARNING, machine.id() + ": joined, but " + r.held());
    }
    lastHeld = r.held();
    boolean changed = !r.credential().equals(credential);
    credential = r.credential();
    if (changed && onCredential != null) {
      try {
        onCredential.accept(credential);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, machine.id() + ": saving the credential failed", e);
      }
    }
    epoch++;
    inbox.joined(r.cursor(), r.maxPollWaitMillis());
    incarnation = r.incarnation();
    if (r.withdrawn() != null) {
      for (Wire.WithdrawnItem w : r.withdrawn()) {
        try {
          slots.withdrawn(WireMapping.token(w.token(), "token"), "the coordinator no longer runs it: " + w.reason());
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, machine.id() + ": ignoring a withdrawal it cannot read: " + e.getMessage());
        }
      }
    }
    heartbeats.joined(r.offlineAfterMillis());
    State before = state;
    state = State.CONNECTED;
    LOG.log(Level.INFO, machine.id() + (r.reconnected() ? " reconnected to " : " joined ") + http.base()
        + (before == State.DISCONNECTED ? " after losing it" : ""));
    heartbeats.beat(r.heartbeatIntervalMillis());
    inbox.poll();
    outbox.flushResults();
  }

  /**
   * The coordinator holds this machine's join for the operator's approval: says so once, with the command that
   * approves it, and returns how long to wait before asking again, slower than after a failure, as an approval
   * takes a person.
   */
  private Duration heldForApproval(FleetHttpException f) {
    Duration wait = backoff.max().multipliedBy(3);
    // Not REFUSED: the agent is waiting, not turned away, and a program watching it must not give up.
    LOG.log(f.detail().equals(lastHeld) ? Level.DEBUG : Level.WARNING, machine.id() + ": " + f.detail()
        + "; asking again every " + Math.max(1, wait.toSeconds()) + " s");
    lastHeld = f.detail();
    return wait;
  }

  /**
   * The coordinator does not know this machine (or its credential) any more: join again, unless joining,
   * refused, closed or leaving already. Control thread only.
   *
   * @param why what the coordinator said, for the log line
   */
  void rejoin(String why) {
    if (state == State.JOINING || state == State.CLOSED || state == State.REFUSED || quiet) {
      return;
    }
    LOG.log(Level.INFO, machine.id() + ": " + why + "; joining again");
    state = State.JOINING;
    control.execute(this::join);
  }

  /**
   * Whether an answer comes from a coordinator run other than the one this agent joined: it restarted, its
   * message numbering with it, so the agent joins again (with its credential) before it reads any message.
   * Control thread only.
   *
   * @param answered the incarnation the answer named, or null if it named none
   * @return true if it differs from the one joined, and a rejoin is under way
   */
  boolean restarted(String answered) {
    String joined = incarnation;
    if (answered == null || joined == null || answered.equals(joined)) {
      return false;
    }
    state = state == State.JOINING ? State.JOINING : State.DISCONNECTED;
    rejoin("the coordinator restarted");
    return true;
  }
}
