package dev.fleet.testing.sim.cluster;

import dev.fleet.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated Raft member, after the Raft paper's rules: terms, at most one vote per term, the election
 * restriction (no vote for a candidate whose log is less up to date), replication with the log-matching check
 * and conflict truncation, and commitment only of an entry of the leader's own term once a majority holds it
 * (earlier entries are committed with it). A leader steps down when it sees a higher term, or when a majority
 * has not answered it within the election timeout (as jgroups-raft does when the view loses its majority); a
 * node that stops leading fences the {@link NodeJournal} it opened.
 *
 * <p>Crashes keep the persistent state (term, vote, log) and lose the rest; pauses hold every message and timer
 * until the node resumes. Elections run on virtual time: a follower that hears no leader for a random time
 * between one and two election timeouts stands.
 *
 * <p>Not thread-safe: driven by the simulation's one thread.
 */
final class RaftNode {
  enum Role { FOLLOWER, CANDIDATE, LEADER }

  final int id;
  private final RaftGroup group;
  private final SplittableRandom random;

  // Persistent state: survives a crash.
  long term;
  private int votedFor = -1;
  final List<Entry> log = new ArrayList<>();

  // Volatile state.
  long commitIndex;
  Role role = Role.FOLLOWER;
  int leaderHint = -1;
  private final java.util.Set<Integer> votes = new java.util.HashSet<>();
  private long[] nextIndex;
  private long[] matchIndex;
  private long[] heardAt;
  private Scheduler.Cancellable electionTimer;
  private Scheduler.Cancellable heartbeatTimer;
  /** The journal this node opened as leader, fenced when it stops leading. */
  NodeJournal journal;

  boolean crashed;
  boolean paused;
  /** Counts the node's lives: timers and messages of an earlier life are void. */
  int life;
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();

  RaftNode(int id, RaftGroup group, SplittableRandom random) {
    this.id = id;
    this.group = group;
    this.random = random;
  }

  long lastIndex() {
    return log.size();
  }

  long termAt(long index) {
    return index == 0 ? 0 : log.get((int) index - 1).term();
  }

  Entry entry(long index) {
    return log.get((int) index - 1);
  }

  boolean leads() {
    return role == Role.LEADER && !crashed;
  }

  void start() {
    resetElectionTimer();
  }

  // ------------------------------------------------------------------ life

  /** Runs {@code r} now, later if the node is paused, or never if it crashed meanwhile. */
  void run(Runnable r, int inLife) {
    if (crashed || inLife != life) {
      return;
    }
    if (paused) {
      held.add(r);
      return;
    }
    r.run();
  }

  void crash() {
    if (crashed) {
      return;
    }
    boolean led = role == Role.LEADER;
    crashed = true;
    paused = false;
    held.clear();
    life++;
    cancelTimers();
    role = Role.FOLLOWER;
    commitIndex = 0;
    leaderHint = -1;
    fence("node n" + id + " crashed");
    group.crashed(this, led);
  }

  void restart() {
    if (!crashed) {
      return;
    }
    crashed = false;
    resetElectionTimer();
  }

  void pause() {
    if (!crashed) {
      paused = true;
    }
  }

  void resume() {
    if (!paused) {
      return;
    }
    paused = false;
    int l = life;
    while (!held.isEmpty() && !paused && !crashed && l == life) {
      held.poll().run();
    }
  }

  // ------------------------------------------------------------------ timers

  private void cancelTimers() {
    if (electionTimer != null) {
      electionTimer.cancel();
      electionTimer = null;
    }
    if (heartbeatTimer != null) {
      heartbeatTimer.cancel();
      heartbeatTimer = null;
    }
  }

  private void resetElectionTimer() {
    if (electionTimer != null) {
      electionTimer.cancel();
    }
    long base = group.electionTimeout.toNanos();
    int l = life;
    electionTimer = group.scheduler.schedule(() -> run(this::stand, l),
        Duration.ofNanos(base + random.nextLong(base)));
  }

  private void stand() {
    electionTimer = null;
    if (role == Role.LEADER) {
      return;
    }
    term++;
    role = Role.CANDIDATE;
    votedFor = id;
    votes.clear();
    votes.add(id);
    leaderHint = -1;
    group.elections++;
    resetElectionTimer();
    Message.VoteRequest m = new Message.VoteRequest(term, id, lastIndex(), termAt(lastIndex()));
    for (int peer = 0; peer < group.size(); peer++) {
      if (peer != id) {
        group.send(id, peer, m);
      }
    }
  }

  private void beat() {
    heartbeatTimer = null;
    if (role != Role.LEADER) {
      return;
    }
    long now = group.now();
    int heard = 1;
    for (int peer = 0; peer < group.size(); peer++) {
      if (peer != id && now - heardAt[peer] <= group.electionTimeout.toNanos()) {
        heard++;
      }
    }
    if (heard < group.majority()) {
      stepDown("node n" + id + " heard from no majority within " + group.electionTimeout + " in term " + term);
      return;
    }
    for (int peer = 0; peer < group.size(); peer++) {
      if (peer != id) {
        group.send(id, peer, appendFor(peer));
      }
    }
    int l = life;
    heartbeatTimer = group.scheduler.schedule(() -> run(this::beat, l), group.heartbeat);
  }

  // ------------------------------------------------------------------ roles

  private void becomeLeader() {
    role = Role.LEADER;
    leaderHint = id;
    int n = group.size();
    nextIndex = new long[n];
    matchIndex = new long[n];
    heardAt = new long[n];
    long now = group.now();
    for (int p = 0; p < n; p++) {
      nextIndex[p] = lastIndex() + 1;
      heardAt[p] = now;
    }
    if (electionTimer != null) {
      electionTimer.cancel();
      electionTimer = null;
    }
    group.leaders.add(new RaftGroup.Leadership(id, term, now));
    beat();
    group.elected(this);
  }

  /** Stops leading (or standing) in this term; the journal opened in it is fenced. */
  void stepDown(String why) {
    boolean led = role == Role.LEADER;
    role = Role.FOLLOWER;
    if (heartbeatTimer != null) {
      heartbeatTimer.cancel();
      heartbeatTimer = null;
    }
    if (led) {
      leaderHint = -1;
      fence(why);
      resetElectionTimer();
      group.deposed(this);
    }
  }

  private void fence(String why) {
    if (journal != null) {
      journal.fence(why);
    }
  }

  private void seeTerm(long t) {
    if (t > term) {
      term = t;
      votedFor = -1;
      if (role != Role.FOLLOWER) {
        stepDown("node n" + id + " saw term " + t);
      }
    }
  }

  // ------------------------------------------------------------------ messages

  /** A message arrives; returns the reply to send back, or null. */
  Message handle(Message m) {
    seeTerm(m.term());
    if (m instanceof Message.VoteRequest v) {
      return vote(v);
    } else if (m instanceof Message.VoteReply r) {
      if (role == Role.CANDIDATE && r.term() == term && r.granted()) {
        votes.add(r.voter());
        if (votes.size() >= group.majority()) {
          becomeLeader();
        }
      }
      return null;
    } else if (m instanceof Message.Append a) {
      return append(a);
    } else {
      replied((Message.AppendReply) m);
      return null;
    }
  }

  private Message vote(Message.VoteRequest v) {
    boolean upToDate = v.lastTerm() > termAt(lastIndex())
        || (v.lastTerm() == termAt(lastIndex()) && v.lastIndex() >= lastIndex());
    boolean free = votedFor == -1 || votedFor == v.candidate() || group.flawed(ClusterFlaw.VOTE_TWICE);
    boolean grant = v.term() == term && role != Role.LEADER && free
        && (upToDate || group.flawed(ClusterFlaw.NO_ELECTION_RESTRICTION));
    if (grant) {
      votedFor = v.candidate();
      resetElectionTimer();
    }
    return new Message.VoteReply(term, id, grant);
  }

  private Message append(Message.Append a) {
    if (a.term() < term && !group.flawed(ClusterFlaw.STALE_APPEND_ACCEPTED)) {
      return new Message.AppendReply(term, id, false, 0, 0);
    }
    if (a.term() == term) {
      if (role == Role.CANDIDATE) {
        role = Role.FOLLOWER;
      }
      leaderHint = a.leader();
      resetElectionTimer();
    }
    if (a.prevIndex() > lastIndex()) {
      return new Message.AppendReply(term, id, false, 0, lastIndex() + 1);
    }
    if (termAt(a.prevIndex()) != a.prevTerm()) {
      return new Message.AppendReply(term, id, false, 0, a.prevIndex());
    }
    long index = a.prevIndex();
    for (Entry e : a.entries()) {
      index++;
      if (index <= lastIndex()) {
        if (termAt(index) == e.term()) {
          continue;
        }
        // A conflict: this entry and everything after it were never committed; the leader's replace them.
        while (lastIndex() >= index) {
          log.remove(log.size() - 1);
        }
        group.truncations++;
      }
      log.add(e);
    }
    long lastNew = a.prevIndex() + a.entries().size();
    if (a.leaderCommit() > commitIndex) {
      commitIndex = Math.min(a.leaderCommit(), lastNew);
    }
    return new Message.AppendReply(term, id, true, lastNew, 0);
  }

  private void replied(Message.AppendReply r) {
    if (role != Role.LEADER || r.term() != term) {
      return;
    }
    heardAt[r.from()] = group.now();
    if (r.success()) {
      if (r.match() > matchIndex[r.from()]) {
        matchIndex[r.from()] = r.match();
      }
      nextIndex[r.from()] = Math.max(nextIndex[r.from()], r.match() + 1);
      advanceCommit();
    } else if (r.retryFrom() > 0) {
      nextIndex[r.from()] = Math.max(1, Math.min(nextIndex[r.from()] - 1, r.retryFrom()));
    }
  }

  private void advanceCommit() {
    for (long n = lastIndex(); n > commitIndex; n--) {
      if (termAt(n) != term) {
        break; // only an entry of its own term is committed by counting; earlier ones come with it
      }
      int holders = 1;
      for (int p = 0; p < group.size(); p++) {
        if (p != id && matchIndex[p] >= n) {
          holders++;
        }
      }
      if (holders >= group.majority()) {
        commitIndex = n;
        return;
      }
    }
  }

  Message.Append appendFor(int peer) {
    long from = Math.min(nextIndex[peer], lastIndex() + 1);
    List<Entry> entries = List.copyOf(log.subList((int) from - 1, log.size()));
    return new Message.Append(term, id, from - 1, termAt(from - 1), entries, commitIndex);
  }

  // ------------------------------------------------------------------ the journal's use

  /** Appends an entry in this leader's term; returns its index. */
  long appendOwn(Entry e) {
    log.add(e);
    return lastIndex();
  }

  /**
   * One replication round at this instant: every connected follower gets what it lacks, the messages that are
   * on time are handled now, late ones later; returns whether {@code index} is committed afterwards.
   */
  boolean replicateNow(long index) {
    for (int round = 0; round < 3 && role == Role.LEADER && commitIndex < index; round++) {
      for (int peer = 0; peer < group.size() && role == Role.LEADER; peer++) {
        if (peer == id) {
          continue;
        }
        // A follower whose log diverges needs a few tries to find where it matches; each try can be lost.
        for (int tries = 0; tries < 8 && role == Role.LEADER && matchIndex[peer] < index; tries++) {
          Message.AppendReply r = group.call(id, peer, appendFor(peer));
          if (r == null) {
            break;
          }
          handle(r);
          if (r.success()) {
            break;
          }
        }
      }
      if (role == Role.LEADER && commitIndex < index && group.flawed(ClusterFlaw.ACK_WITHOUT_MAJORITY)) {
        return true;
      }
    }
    return role == Role.LEADER && commitIndex >= index;
  }

  @Override
  public String toString() {
    return "n" + id + "[" + role + " term " + term + ", log " + lastIndex() + ", commit " + commitIndex
        + (crashed ? ", crashed" : "") + (paused ? ", paused" : "") + "]";
  }
}
