package dev.fleet.cli;

import dev.fleet.Fleet;
import dev.fleet.core.FleetBuilder;
import dev.fleet.raft.RaftJournal;
import dev.fleet.transport.http.model.Coordinators;
import dev.fleet.transport.http.FollowerServer;
import dev.fleet.transport.http.HttpCoordinator;
import dev.fleet.transport.http.HttpCoordinatorBuilder;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One node of a group of replicated coordinators: it follows the group through its Raft member and serves HTTP
 * on its own port all the time. While it leads, that is the real {@link HttpCoordinator} over a fleet whose
 * journal is the Raft journal (built, and so replayed, before it serves; every machine starts not yet heard
 * from, its silence counted from the takeover). While it follows, it is a {@link FollowerServer}, which sends
 * every request but ping and {@code /v1/coordinators} to the leader.
 *
 * <p>Leadership ends when Raft says so or the fleet's journal is fenced: the coordinator stops serving at once,
 * the fleet is closed (a fenced journal acknowledges nothing, so nothing is accepted in between), the follower
 * server takes the port back, and a new Raft member joins on the same log directory (a fenced journal cannot be
 * reopened).
 *
 * <p>Why two servers on one port rather than one server with a handler swapped: the leader's
 * {@code HttpCoordinator} owns its Jetty server, with its connection budget, header deadline and event stream,
 * and can already be closed and started again; the two servers bind with {@code SO_REUSEADDR}, so the port is
 * free again the moment one stops, and the gap is a few milliseconds, which clients see as a refused connection
 * and retry.
 *
 * <p>Threading: every change of role runs on one thread of its own ("fleet-ha-NAME"), which also checks the role
 * every 50 ms (Raft's role callbacks only wake it). {@link #coordinators()} may be called from any thread.
 */
final class ReplicatedCoordinator implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ReplicatedCoordinator.class.getName());
  private static final Duration CHECK_EVERY = Duration.ofMillis(50);

  /** The leader's parts, built anew for each term this node leads. */
  interface LeaderParts {
    /** The coordinator's builder with everything but the port and the coordinators view set. */
    HttpCoordinatorBuilder coordinator();

    /** The fleet's builder with the coordinator as its transport and everything but the journal set. */
    FleetBuilder fleet(HttpCoordinator transport);

    /** Told once the coordinator serves as leader (the CLI prints it). */
    default void serving(HttpCoordinator coordinator, long term) {}
  }

  private final Peers peers;
  private final Peers.Peer self;
  private final Path raftDir;
  private final String bind;
  private final Path keyStore;
  private final String keyStorePassword;
  private final Duration failureTimeout;
  private final LeaderParts parts;
  private final ScheduledExecutorService worker;

  // Written only on the worker thread (and by start/close before/after it runs); read anywhere.
  private volatile RaftJournal raft;
  private volatile FollowerServer follower;
  private volatile Fleet fleet;
  private volatile HttpCoordinator coordinator;
  private volatile long leadingTerm = -1;
  private volatile boolean closed;
  private final List<String> transitions = new ArrayList<>(); // guarded by itself

  ReplicatedCoordinator(Peers peers, String self, Path raftDir, String bind, Path keyStore,
      String keyStorePassword, Duration failureTimeout, LeaderParts parts) {
    this.peers = peers;
    this.self = peers.get(self);
    this.raftDir = raftDir;
    this.bind = bind;
    this.keyStore = keyStore;
    this.keyStorePassword = keyStorePassword;
    this.failureTimeout = failureTimeout;
    this.parts = parts;
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fleet-ha-" + self);
      t.setDaemon(true);
      return t;
    });
  }

  /** Serves HTTP as a follower, joins the Raft group, and from then on takes the role Raft gives it. */
  synchronized void start() {
    follower = FollowerServer.start(bind, self.url().getPort(), keyStore, keyStorePassword, this::coordinators);
    raft = newRaft();
    raft.start();
    worker.scheduleWithFixedDelay(this::check, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private RaftJournal newRaft() {
    RaftJournal.Builder b = RaftJournal.newBuilder(self.name(), raftDir).failureTimeout(failureTimeout);
    peers.peers().forEach(p -> b.member(p.name(), p.raft()));
    RaftJournal j = b.build();
    j.onRoleChange(role -> {
      if (!closed) {
        worker.execute(this::check);
      }
    });
    return j;
  }

  private void check() {
    try {
      if (closed) {
        return;
      }
      RaftJournal j = raft;
      if (coordinator != null) {
        Optional<String> fenced = j.failure().map(Throwable::getMessage);
        if (!j.isLeader() || j.term() != leadingTerm || fenced.isPresent()) {
          stepDown(fenced.orElse("Raft made " + j.leader().orElse("nobody") + " leader in term " + j.term()));
        }
      } else if (j.isLeader()) {
        takeOver(j);
      } else if (follower == null) {
        serveAsFollower();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, self.name() + ": changing role failed; trying again", e);
    }
  }

  private void takeOver(RaftJournal j) {
    HttpCoordinator c = parts.coordinator().port(self.url().getPort()).coordinators(this::coordinators)
        .leadershipCheck(j::confirmLeading).build();
    Fleet f;
    try {
      f = parts.fleet(c).journal(j).build(); // opens the journal: a barrier in this term, then the replay
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, self.name() + " could not take over as leader of term " + j.term() + ": "
          + e.getMessage());
      restartRaft();
      return;
    }
    long term = j.epoch();
    FollowerServer fs = follower;
    follower = null;
    if (fs != null) {
      fs.close();
    }
    try {
      c.start(f);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, self.name() + " could not serve as leader on " + self.url() + "; stepping down", e);
      f.close();
      serveAsFollower();
      restartRaft();
      return;
    }
    fleet = f;
    leadingTerm = term;
    coordinator = c;
    note("leader of term " + term);
    LOG.log(Level.INFO, "{0} leads term {1}: serving the fleet on {2}", self.name(), term, self.url());
    parts.serving(c, term);
  }

  private void stepDown(String why) {
    LOG.log(Level.WARNING, "{0} no longer leads term {1}: {2}; following", self.name(), leadingTerm, why);
    note("follower after term " + leadingTerm);
    HttpCoordinator c = coordinator;
    Fleet f = fleet;
    coordinator = null;
    fleet = null;
    leadingTerm = -1;
    c.close(); // first: no request reaches the fleet from here on
    // The port is answered again at once; closing the fleet leaves the Raft group, which takes a moment.
    serveAsFollower();
    try {
      f.close(); // closes its journal, this node's Raft member
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "closing the deposed fleet", e);
    }
    restartRaft();
  }

  /** Answers on the port as a follower; if the port cannot be bound now, the next check tries again. */
  private void serveAsFollower() {
    try {
      follower = FollowerServer.start(bind, self.url().getPort(), keyStore, keyStorePassword, this::coordinators);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, self.name() + " cannot answer on " + self.url() + " as a follower; trying again", e);
    }
  }

  /** A fenced or failed Raft member cannot open again: a new one joins the group on the same log directory. */
  private void restartRaft() {
    RaftJournal old = raft;
    try {
      old.close();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "closing the old Raft member", e);
    }
    RaftJournal fresh = newRaft();
    raft = fresh;
    fresh.start();
  }

  /** What {@code GET /v1/coordinators} answers on this node. */
  Coordinators coordinators() {
    RaftJournal j = raft;
    Optional<String> leader = j == null ? Optional.empty() : j.leader();
    Set<String> reachable = j == null ? Set.of() : j.reachable();
    List<Coordinators.Node> nodes = new ArrayList<>();
    for (Peers.Peer p : peers.peers()) {
      Coordinators.Role role;
      if (leader.isPresent() && leader.get().equals(p.name())) {
        role = Coordinators.Role.LEADER;
      } else if (p.name().equals(self.name()) || reachable.contains(p.name())) {
        role = Coordinators.Role.FOLLOWER;
      } else {
        role = Coordinators.Role.UNKNOWN;
      }
      nodes.add(new Coordinators.Node(p.name(), p.url(), role));
    }
    return new Coordinators(self.name(), leader, j == null ? 0 : Math.max(0, j.term()), nodes);
  }

  /** Whether this node serves as leader now. */
  boolean serving() {
    return coordinator != null;
  }

  /** The role changes this node went through, for tests and the log. */
  List<String> transitions() {
    synchronized (transitions) {
      return List.copyOf(transitions);
    }
  }

  private void note(String what) {
    synchronized (transitions) {
      transitions.add(what);
    }
  }

  /** Stops serving; a leader first commits what it appended, then leaves the group. */
  @Override
  public void close() {
    closed = true;
    worker.shutdown();
    try {
      if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, self.name() + ": a change of role did not finish within 30 s; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (coordinator != null) {
        coordinator.close();
        fleet.close();
      }
      if (follower != null) {
        follower.close();
      }
      RaftJournal j = raft;
      if (j != null) {
        try {
          j.close();
        } catch (RuntimeException e) {
          LOG.log(Level.DEBUG, "closing the Raft member", e);
        }
      }
    }
  }
}
