package dev.fleet.transport.http;

import dev.fleet.MachineId;
import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.HttpAgent.State;
import dev.fleet.transport.http.internal.Endpoint;
import dev.fleet.transport.http.internal.JsonHttp;
import dev.fleet.transport.http.internal.Wire;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How an {@link HttpAgent} leaves its fleet: it asks the coordinator to drain the machine (no new work, running
 * work may finish within the grace), waits for its running work up to the grace, hands back whatever still runs
 * without reporting it (the handler is told to stop, and whatever it returns is dropped), gives the results of
 * finished work a moment to reach the coordinator, falls quiet (no heartbeat, poll or join goes out any more),
 * and then says it has gone, so the coordinator moves what is left at once instead of waiting for the offline
 * timeout. A second, shorter leave while one is under way shortens its grace; one with no grace hurries it past
 * every wait but the last message.
 *
 * <p>One instance per leave; {@link #run()} runs on the thread that called {@link HttpAgent#leave}, and
 * {@link #shorten} and {@link #released()} may be called from any thread. Steps that touch the agent's state run
 * on its control thread.
 */
final class Leaving {
  private static final System.Logger LOG = System.getLogger(HttpAgent.class.getName());
  /** The most time results of work finished in the grace get, after it, to reach the coordinator. */
  private static final Duration RESULTS_GRACE = Duration.ofSeconds(2);
  /**
   * How much longer than the grace the coordinator's drain deadline is: the agent's own hand-back, which moves the
   * work at once, comes first; the deadline moves it only if the agent died while leaving.
   */
  static final Duration DRAIN_MARGIN = Duration.ofSeconds(2);

  private final MachineId machine;
  private final AgentSession session;
  private final WorkerSlots slots;
  private final Heartbeats heartbeats;
  private final Outbox outbox;
  private final JsonHttp http;
  private final ScheduledExecutorService control;
  private final Ticker ticker;
  private final Duration requestTimeout;
  private final Duration grace;
  private final CompletableFuture<HttpAgent.Departure> outcome = new CompletableFuture<>();
  private final Object lock = new Object();
  private long deadlineNanos;
  private boolean hurried;

  Leaving(MachineId machine, AgentSession session, WorkerSlots slots, Heartbeats heartbeats, Outbox outbox,
      JsonHttp http, ScheduledExecutorService control, Ticker ticker, Duration requestTimeout, Duration grace) {
    this.machine = machine;
    this.session = session;
    this.slots = slots;
    this.heartbeats = heartbeats;
    this.outbox = outbox;
    this.http = http;
    this.control = control;
    this.ticker = ticker;
    this.requestTimeout = requestTimeout;
    this.grace = grace;
    this.deadlineNanos = saturatedAdd(ticker.read(), grace.toNanos());
  }

  CompletableFuture<HttpAgent.Departure> outcome() {
    return outcome;
  }

  /** A later leave: the grace ends no later than {@code grace} from now; zero skips every wait that is left. */
  void shorten(Duration grace) {
    synchronized (lock) {
      deadlineNanos = Math.min(deadlineNanos, saturatedAdd(ticker.read(), grace.toNanos()));
      hurried |= grace.isZero();
      lock.notifyAll();
    }
  }

  /** An attempt left the agent (finished, withdrawn, handed back): a wait for idleness looks again. */
  void released() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** Leaves; returns what became of the work. Never throws for a coordinator that cannot be reached. */
  HttpAgent.Departure run() {
    int reportedBefore = outbox.reported();
    boolean joined = session.credential() != null
        && (session.state() == State.CONNECTED || session.state() == State.DISCONNECTED);
    int running = slots.activeTasks().size();
    if (joined) {
      boolean drained = tell(new Wire.LeaveRequest(grace.plus(DRAIN_MARGIN).toString(), null), "drain");
      LOG.log(Level.INFO, machine + ": leaving: " + (drained ? "the coordinator sends no new work; " : "")
          + running + (running == 1 ? " task" : " tasks") + " running, up to " + grace.toSeconds()
          + " s for them to finish");
    }
    await(() -> slots.activeTasks().isEmpty(), () -> deadlineNanos);
    Integer handedBack = onControl(() -> slots.handBack("the agent is leaving"));
    int back = handedBack == null ? 0 : handedBack;
    if (back > 0) {
      LOG.log(Level.INFO, machine + ": leaving: handed back " + back + (back == 1 ? " task" : " tasks")
          + " still running");
    }
    long resultsBy = Math.max(deadlineNanos, saturatedAdd(ticker.read(), RESULTS_GRACE.toNanos()));
    await(slots::isEmpty, () -> hurried ? ticker.read() : resultsBy);
    boolean told = false;
    if (joined) {
      CompletableFuture<Boolean> gone = new CompletableFuture<>();
      Boolean quiet = onControl(() -> {
        session.fallQuiet();
        // After the last heartbeat's answer: one that landed after this message would bring the machine back.
        heartbeats.whenIdle(() -> http.exchange("POST", Endpoint.LEAVE.path(), session.credential(),
            new Wire.LeaveRequest(null, true), Void.class, requestTimeout, control, (r, err) -> {
              if (err != null) {
                LOG.log(Level.WARNING, machine + ": could not tell the coordinator this machine left ("
                    + Reachability.describe(err) + "); its work moves once the coordinator takes it for offline");
              }
              gone.complete(err == null);
            }));
        return true;
      });
      told = quiet != null && waitFor(gone, requestTimeout.multipliedBy(2));
      if (told) {
        LOG.log(Level.INFO, machine + ": left the fleet; the coordinator moves what it still had at once");
      }
    }
    return new HttpAgent.Departure(outbox.reported() - reportedBefore, back, told);
  }

  /** Sends a leave request and waits for its answer, or until hurried; whether the coordinator took it. */
  private boolean tell(Wire.LeaveRequest request, String what) {
    CompletableFuture<Boolean> answered = new CompletableFuture<>();
    try {
      http.exchange("POST", Endpoint.LEAVE.path(), session.credential(), request, Void.class, requestTimeout, control,
          (r, err) -> {
            if (err != null) {
              LOG.log(Level.WARNING, machine + ": could not ask the coordinator to " + what + " this machine ("
                  + Reachability.describe(err) + "); running work still gets the grace to finish");
            }
            answered.complete(err == null);
            released(); // wakes the wait below
          });
    } catch (RejectedExecutionException e) {
      return false;
    }
    // The exchange itself gives up after the request timeout; this bound only guards against a lost callback.
    long until = saturatedAdd(ticker.read(), requestTimeout.multipliedBy(2).toNanos());
    await(answered::isDone, () -> hurried ? ticker.read() : until);
    return answered.getNow(false);
  }

  /** Waits until {@code done} or the deadline (read afresh on each wake: a later leave may shorten it). */
  private void await(BooleanSupplier done, Supplier<Long> deadline) {
    synchronized (lock) {
      while (!done.getAsBoolean() && session.state() != State.CLOSED) {
        long left = deadline.get() - ticker.read();
        if (left <= 0) {
          return;
        }
        try {
          // Woken by every attempt that leaves and by a shorter leave; the bound only rereads the ticker.
          lock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Runs a step on the control thread and returns its value; null if the agent stopped meanwhile. */
  private <T> T onControl(Supplier<T> step) {
    try {
      return CompletableFuture.supplyAsync(step, control).get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static boolean waitFor(CompletableFuture<Boolean> f, Duration limit) {
    try {
      return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
